"""The patient's and the clinician's pages: flows, bad input, logging and query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals import services
from goals.models import Habit, HabitCheck, Ladder, Proposal, Step
from records.models import AccessLogEntry
from tests.factories import add_member

pytestmark = pytest.mark.django_db
BACKEND = "accounts.backends.EmailBackend"


@pytest.fixture
def as_patient(client, patient):
    client.force_login(patient, backend=BACKEND)
    return client


@pytest.fixture
def as_gp(client, gp, gp_membership):
    client.force_login(gp, backend=BACKEND)
    return client


def test_patient_builds_a_ladder_through_the_pages(as_patient, workspace):
    r = as_patient.post(reverse("patient:goal_ladder_create"), {"title": "Swim", "why": "Joy"})
    ladder = Ladder.objects.get(workspace=workspace)
    assert r.url == reverse("patient:goal_ladder", args=[ladder.pk])
    for text in ("Put a toe in", "Swim a length"):
        as_patient.post(reverse("patient:goal_step_add", args=[ladder.pk]), {"description": text})
    first, second = Step.objects.filter(ladder=ladder).order_by("position")
    as_patient.post(reverse("patient:goal_step_move", args=[second.pk]), {"direction": "up"})
    assert list(Step.objects.filter(ladder=ladder).order_by("position")) == [second, first]
    r = as_patient.post(
        reverse("patient:goal_step_state", args=[first.pk]),
        {"state": "done", "version": first.version},
    )
    assert r.url == reverse("patient:goal_step_reflect", args=[first.pk])
    first.refresh_from_db()
    r = as_patient.post(
        reverse("patient:goal_step_reflect", args=[first.pk]),
        {"reflection": "Cold but fine", "state": "done", "version": first.version},
    )
    assert r.status_code == 302
    page = as_patient.get(reverse("patient:goal_ladder", args=[ladder.pk])).content.decode()
    assert "Cold but fine" in page and "wrote how a step went" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": "", "difficulty": ""}, "This field is required"),
        ({"description": "ok", "difficulty": "11"}, "less than or equal to 10"),
        ({"description": "ok", "difficulty": "hard"}, "Enter a whole number"),
        ({"description": "ok", "target_date": "2026-02-31"}, "Enter a valid date"),
        ({"description": "ok", "target_date": "2001-01-01"}, "cannot be in the past"),
    ],
)
def test_bad_step_input_is_a_form_error_and_changes_nothing(as_patient, ladder, data, message):
    r = as_patient.post(reverse("patient:goal_step_add", args=[ladder.pk]), data)
    assert r.status_code == 400
    assert message in r.content.decode()
    assert not Step.objects.exists()


def test_editing_a_stale_step_shows_a_conflict_and_keeps_the_other_change(as_patient, steps):
    step = steps[0]
    url = reverse("patient:goal_step_edit", args=[step.pk])
    old = step.version
    as_patient.post(url, {"description": "From tab one", "version": old})
    r = as_patient.post(url, {"description": "From tab two", "version": old})
    assert r.status_code == 400
    body = r.content.decode()
    assert "Someone else changed this step" in body and "From tab one" in body
    step.refresh_from_db()
    assert step.description == "From tab one"
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert f'value="{step.version}"' in body
    assert (
        as_patient.post(url, {"description": "From tab two", "version": step.version}).status_code
        == 302
    )


def test_patient_answers_a_proposal_with_changes(as_patient, ladder, gp, gp_membership):
    proposal = services.proposal_create(
        workspace=ladder.workspace,
        by=gp,
        kind="new_step",
        ladder=ladder,
        payload={"description": "Walk ten minutes", "difficulty": 4},
    )
    url = reverse("patient:goal_proposal", args=[proposal.pk])
    page = as_patient.get(url).content.decode()
    assert "Walk ten minutes" in page
    r = as_patient.post(
        url, {"decision": "accept", "description": "Walk five minutes", "difficulty": "3"}
    )
    assert r.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CHANGED
    assert Step.objects.get(ladder=ladder).description == "Walk five minutes"
    r = as_patient.post(url, {"decision": "decline"})
    assert r.status_code == 409
    assert "already been answered" in r.content.decode()


def test_decline_from_the_page(as_patient, ladder, gp, gp_membership):
    proposal = services.proposal_create(
        workspace=ladder.workspace,
        by=gp,
        kind="edit_ladder",
        ladder=ladder,
        payload={"title": "Run a marathon"},
    )
    r = as_patient.post(
        reverse("patient:goal_proposal", args=[proposal.pk]), {"decision": "decline"}
    )
    assert r.status_code == 302
    ladder.refresh_from_db()
    assert ladder.title == "Walk to the shop"


def test_habit_pages_mark_today_and_yesterday_only(as_patient, workspace, patient):
    as_patient.post(reverse("patient:habit_list"), {"name": "Stretch", "schedule_kind": "daily"})
    habit = Habit.objects.get()
    today = services.local_today(patient)
    url = reverse("patient:habit_check", args=[habit.pk])
    as_patient.post(url, {"day": today.isoformat(), "done": "1"})
    as_patient.post(url, {"day": (today - timedelta(days=1)).isoformat(), "done": "1"})
    r = as_patient.post(
        url, {"day": (today - timedelta(days=2)).isoformat(), "done": "1"}, follow=True
    )
    assert "Earlier days stay as they are" in r.content.decode()
    assert HabitCheck.objects.count() == 2
    page = as_patient.get(reverse("patient:habit_detail", args=[habit.pk])).content.decode()
    assert "Current chain: 2 days" in page
    assert "One grace day a week" in page


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"name": "Walk", "schedule_kind": "weekdays"}, "Choose at least one day"),
        (
            {"name": "Walk", "schedule_kind": "per_week", "times_per_week": "9"},
            "less than or equal to 7",
        ),
        ({"name": "Walk", "schedule_kind": "per_week"}, "Choose a number from 1 to 7"),
        ({"name": "Walk", "schedule_kind": "monthly"}, "Select a valid choice"),
        ({"name": "Walk", "schedule_kind": "weekdays", "weekdays": ["8"]}, "Select a valid choice"),
    ],
)
def test_bad_schedules_are_form_errors(as_patient, data, field_error):
    r = as_patient.post(reverse("patient:habit_list"), data)
    assert r.status_code == 400
    assert field_error in r.content.decode()
    assert not Habit.objects.exists()


def test_step_becomes_a_habit_from_the_page(as_patient, steps):
    r = as_patient.post(
        reverse("patient:goal_step_habit", args=[steps[0].pk]),
        {"name": "Step 0", "schedule_kind": "weekdays", "weekdays": ["0", "3"]},
    )
    habit = Habit.objects.get()
    assert r.url == reverse("patient:habit_detail", args=[habit.pk])
    assert habit.source_step == steps[0] and habit.weekdays == frozenset({0, 3})


def test_gp_proposes_and_comments_and_every_read_is_logged(as_gp, ladder, steps, workspace, gp):
    ws = workspace.pk
    assert as_gp.get(reverse("clinician:goal_list", args=[ws])).status_code == 200
    assert as_gp.get(reverse("clinician:goal_ladder", args=[ws, ladder.pk])).status_code == 200
    r = as_gp.post(
        reverse("clinician:goal_propose_step", args=[ws, ladder.pk]),
        {"description": "Walk to the corner", "difficulty": "2", "note": "Smaller first?"},
    )
    assert r.status_code == 302
    r = as_gp.post(
        reverse("clinician:goal_propose_step_edit", args=[ws, steps[0].pk]),
        {"description": "Step 0", "difficulty": "11"},
    )
    assert r.status_code == 400
    as_gp.post(reverse("clinician:goal_comment_add", args=[ws, ladder.pk]), {"body": "Go gently"})
    assert Proposal.objects.filter(status="open").count() == 1
    assert Step.objects.filter(ladder=ladder).count() == 3  # nothing applied yet
    page = as_gp.get(reverse("clinician:goal_ladder", args=[ws, ladder.pk])).content.decode()
    assert "Walk to the corner" in page and "Go gently" in page
    assert AccessLogEntry.objects.filter(actor=gp, section="goals").count() >= 3


def test_withdraw_from_the_page_and_a_second_withdraw_is_a_clear_message(
    as_gp, ladder, workspace, gp
):
    proposal = services.proposal_create(
        workspace=workspace, by=gp, kind="new_step", ladder=ladder, payload={"description": "x"}
    )
    url = reverse("clinician:goal_proposal_withdraw", args=[workspace.pk, proposal.pk])
    assert as_gp.post(url).status_code == 200  # asks first
    as_gp.post(url, {"confirm": "yes"})
    r = as_gp.post(url, {"confirm": "yes"}, follow=True)
    assert "already been answered or withdrawn" in r.content.decode()


def test_therapist_without_consent_cannot_propose(client, therapist, therapist_membership, ladder):
    client.force_login(therapist, backend=BACKEND)
    r = client.post(
        reverse("clinician:goal_propose_step", args=[ladder.workspace_id, ladder.pk]),
        {"description": "Sneaky"},
    )
    assert r.status_code == 403
    assert not Proposal.objects.exists()


def test_overview_panels_show_ladders_and_streaks(as_gp, gp, ladder, steps, workspace, patient):
    habit = services.habit_create(workspace=workspace, by=patient, name="Breathe")
    services.habit_check_set(habit=habit, by=patient, day=habit.start_date)
    services.proposal_create(
        workspace=workspace,
        by=gp,
        kind="new_step",
        ladder=ladder,
        payload={"description": "Walk to the post box"},
    )
    services.proposal_create(
        workspace=workspace, by=gp, kind="new_ladder", payload={"title": "Cook once a week"}
    )
    page = as_gp.get(reverse("clinician:patient_overview", args=[workspace.pk])).content.decode()
    assert "Walk to the shop" in page and "3 steps" in page
    assert "Walk to the post box" in page and "Cook once a week" in page
    assert "Breathe" in page and "1 day in the chain" in page
    page = as_gp.get(reverse("clinician:habit_list", args=[workspace.pk])).content.decode()
    assert "Current chain: 1 day" in page


def _grow(workspace, patient, gp, n):
    for i in range(n):
        ladder = services.ladder_create(workspace=workspace, by=patient, title=f"Goal {i}")
        services.step_add(ladder=ladder, by=patient, description="A step")
        services.proposal_create(
            workspace=workspace, by=gp, kind="new_step", ladder=ladder, payload={"description": "B"}
        )
        habit = services.habit_create(workspace=workspace, by=patient, name=f"Habit {i}")
        services.habit_check_set(habit=habit, by=patient, day=habit.start_date)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url_name",
    ["patient:goal_list", "patient:habit_list", "patient:dashboard"],
)
def test_patient_lists_have_flat_query_counts(
    client, patient, workspace, gp, gp_membership, url_name
):
    client.force_login(patient, backend=BACKEND)
    _grow(workspace, patient, gp, 2)
    small = _count(client, reverse(url_name))
    _grow(workspace, patient, gp, 48)
    assert _count(client, reverse(url_name)) == small


@pytest.mark.parametrize(
    "url_name",
    ["clinician:goal_list", "clinician:habit_list", "clinician:patient_overview"],
)
def test_clinician_lists_have_flat_query_counts(
    client, patient, workspace, gp, gp_membership, url_name
):
    client.force_login(gp, backend=BACKEND)
    _grow(workspace, patient, gp, 2)
    small = _count(client, reverse(url_name, args=[workspace.pk]))
    _grow(workspace, patient, gp, 48)
    assert _count(client, reverse(url_name, args=[workspace.pk])) == small


def test_ladder_page_has_flat_query_counts(as_patient, ladder, patient, gp, gp_membership):
    def grow(n):
        for i in range(n):
            step = services.step_add(ladder=ladder, by=patient, description=f"S{i}")
            services.comment_add(ladder=ladder, by=gp, body="c")
            services.proposal_create(
                workspace=ladder.workspace,
                by=gp,
                kind="edit_step",
                ladder=ladder,
                step=step,
                payload={"difficulty": 5},
            )

    grow(2)
    url = reverse("patient:goal_ladder", args=[ladder.pk])
    small = _count(as_patient, url)
    grow(20)
    assert _count(as_patient, url) == small


def test_clinician_revoked_consent_stops_at_once(client, gp, gp_membership, ladder, patient):
    from care import services as care

    client.force_login(gp, backend=BACKEND)
    url = reverse("clinician:goal_ladder", args=[ladder.workspace_id, ladder.pk])
    assert client.get(url).status_code == 200
    care.sharing_update(membership=gp_membership, sections=["habits"], by=patient)
    assert client.get(url).status_code == 403


def test_another_patients_ids_are_404(client, other_patient, ladder, steps):
    client.force_login(other_patient, backend=BACKEND)
    assert client.get(reverse("patient:goal_ladder", args=[ladder.pk])).status_code == 404
    r = client.post(
        reverse("patient:goal_step_edit", args=[steps[0].pk]), {"description": "x", "version": 1}
    )
    assert r.status_code == 404
    steps[0].refresh_from_db()
    assert steps[0].description == "Step 0"


def test_a_second_care_team_member_sees_the_history(
    client, ladder, patient, therapist, gp, gp_membership
):
    add_member(ladder.workspace, therapist, ["goals"])
    services.proposal_create(
        workspace=ladder.workspace,
        by=gp,
        kind="new_step",
        ladder=ladder,
        payload={"description": "Z"},
    )
    client.force_login(therapist, backend=BACKEND)
    page = client.get(reverse("clinician:goal_history", args=[ladder.workspace_id, ladder.pk]))
    assert gp.full_name in page.content.decode()


def test_goals_without_habits_shows_not_shared_for_habits(client, ladder, therapist, patient):
    add_member(ladder.workspace, therapist, ["goals"])
    client.force_login(therapist, backend=BACKEND)
    assert client.get(reverse("clinician:goal_list", args=[ladder.workspace_id])).status_code == 200
    r = client.get(reverse("clinician:habit_list", args=[ladder.workspace_id]))
    assert r.status_code == 403
    page = client.get(reverse("clinician:patient_overview", args=[ladder.workspace_id]))
    body = page.content.decode()
    assert "Walk to the shop" in body
    assert 'data-section="habits" data-shared="no"' in body
