"""The goals API: the co-setting flow, conflicts, bad input, logging, query counts, schema."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from goals import services
from goals.models import Habit, HabitCheck, Ladder, LadderChange, Proposal
from records.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(name, **kwargs):
    return reverse(f"api:{name}", kwargs=kwargs)


def test_co_setting_flow_over_the_api(workspace, patient, gp, gp_membership):
    ws = workspace.pk
    me, doc = api(patient), api(gp)
    r = me.post(url("goal-ladder-list", workspace_id=ws), {"title": "Cook dinner", "why": "Family"})
    assert r.status_code == 201
    ladder_id = r.data["id"]
    r = doc.post(
        url("goal-proposal-list", workspace_id=ws),
        {
            "kind": "new_step",
            "ladder": ladder_id,
            "payload": {"description": "Chop vegetables", "difficulty": 2},
        },
        format="json",
    )
    assert r.status_code == 201, r.data
    proposal_id = r.data["id"]
    r = me.get(url("goal-proposal-list", workspace_id=ws) + "?status=open")
    assert [p["id"] for p in r.data] == [proposal_id]
    r = doc.post(
        url("goal-proposal-answer", workspace_id=ws, proposal_id=proposal_id),
        {"decision": "accept"},
        format="json",
    )
    assert r.status_code == 403  # only the patient answers
    r = me.post(
        url("goal-proposal-answer", workspace_id=ws, proposal_id=proposal_id),
        {"decision": "accept", "changes": {"difficulty": 1}},
        format="json",
    )
    assert r.status_code == 200 and r.data["status"] == "changed"
    r = me.post(
        url("goal-proposal-answer", workspace_id=ws, proposal_id=proposal_id),
        {"decision": "decline"},
        format="json",
    )
    assert r.status_code == 409
    assert "already been answered" in r.data["detail"]
    for client in (me, doc):
        r = client.get(url("goal-history", workspace_id=ws, ladder_id=ladder_id))
        actions = [row["action"] for row in r.data["results"]]
        assert actions[:3] == ["proposal.changed", "step.added", "proposal.made"]
        assert {row["actor"]["full_name"] for row in r.data["results"]} == {
            patient.full_name,
            gp.full_name,
        }
    r = doc.post(url("goal-comment-list", workspace_id=ws, ladder_id=ladder_id), {"body": "Nice"})
    assert r.status_code == 201
    assert (
        me.get(url("goal-comment-list", workspace_id=ws, ladder_id=ladder_id)).data["results"][0][
            "body"
        ]
        == "Nice"
    )


def test_clinicians_cannot_write_directly_over_the_api(
    workspace, patient, gp, gp_membership, ladder, steps
):
    doc = api(gp)
    ws = workspace.pk
    r = doc.post(url("goal-ladder-list", workspace_id=ws), {"title": "Mine"})
    assert r.status_code == 403
    r = doc.patch(
        url("goal-step-detail", workspace_id=ws, step_id=steps[0].pk),
        {"version": steps[0].version, "description": "Mine"},
    )
    assert r.status_code == 403
    r = doc.post(url("habit-list", workspace_id=ws), {"name": "x", "schedule_kind": "daily"})
    assert r.status_code == 403
    assert Ladder.objects.count() == 1 and not Habit.objects.exists()
    steps[0].refresh_from_db()
    assert steps[0].description == "Step 0"


def test_patient_cannot_propose_to_themselves(workspace, patient, ladder):
    r = api(patient).post(
        url("goal-proposal-list", workspace_id=workspace.pk),
        {"kind": "new_step", "ladder": str(ladder.pk), "payload": {"description": "x"}},
        format="json",
    )
    assert r.status_code == 403


def test_two_edits_of_one_step_the_second_is_a_409(workspace, patient, steps):
    step = steps[0]
    me = api(patient)
    target = url("goal-step-detail", workspace_id=workspace.pk, step_id=step.pk)
    first = me.patch(target, {"version": step.version, "description": "A"})
    second = me.patch(target, {"version": step.version, "description": "B"})
    assert first.status_code == 200 and second.status_code == 409
    step.refresh_from_db()
    assert step.description == "A"
    assert me.patch(target, {"version": step.version, "state": "trying"}).data["state"] == "trying"


@pytest.mark.parametrize(
    "body",
    [
        {"version": 1, "difficulty": 11},
        {"version": 1, "difficulty": "x"},
        {"version": 1, "target_date": "2026-02-30"},
        {"version": 1, "target_date": "1999-01-01"},
        {"version": 1, "state": "finished"},
        {"version": 1, "description": ""},
        {"version": 1, "description": "x" * 5000},
        {"description": "no version"},
        {"version": "one"},
        {"version": 10**30, "description": "huge"},
        {"version": 1, "difficulty": 10**30},
    ],
)
def test_bad_step_input_is_400_and_changes_nothing(workspace, patient, steps, body):
    step = steps[0]
    before = LadderChange.objects.count()
    r = api(patient).patch(
        url("goal-step-detail", workspace_id=workspace.pk, step_id=step.pk), body, format="json"
    )
    assert r.status_code == 400, r.data
    assert LadderChange.objects.count() == before


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "new_step", "payload": {"description": "no ladder"}},
        {"kind": "edit_step", "payload": {"description": "x"}},
        {"kind": "new_step", "payload": {"description": "x", "difficulty": -2}},
        {"kind": "new_step", "payload": {"description": "x", "colour": "blue"}},
        {"kind": "new_ladder", "payload": {"title": ""}},
        {"kind": "new_ladder", "payload": "title"},
        {"kind": "mystery", "payload": {}},
    ],
)
def test_bad_proposals_are_400(workspace, gp, gp_membership, ladder, body):
    if body.get("kind") in ("new_step",) and "no ladder" not in str(body):
        body = body | {"ladder": str(ladder.pk)}
    r = api(gp).post(url("goal-proposal-list", workspace_id=workspace.pk), body, format="json")
    assert r.status_code == 400, r.data
    assert not Proposal.objects.exists()


def test_ids_from_another_workspace_in_a_body_are_rejected(
    workspace, gp, gp_membership, other_patient
):
    from tests.factories import workspace_for

    theirs = services.ladder_create(
        workspace=workspace_for(other_patient), by=other_patient, title="Theirs"
    )
    r = api(gp).post(
        url("goal-proposal-list", workspace_id=workspace.pk),
        {"kind": "new_step", "ladder": str(theirs.pk), "payload": {"description": "x"}},
        format="json",
    )
    assert r.status_code == 400
    assert not Proposal.objects.exists()


def test_reorder_over_the_api(workspace, patient, ladder, unrated_steps):
    steps = unrated_steps
    order = [str(steps[2].pk), str(steps[1].pk), str(steps[0].pk)]
    r = api(patient).put(
        url("goal-step-order", workspace_id=workspace.pk, ladder_id=ladder.pk),
        {"step_ids": order},
        format="json",
    )
    assert [s["id"] for s in r.data] == order
    r = api(patient).put(
        url("goal-step-order", workspace_id=workspace.pk, ladder_id=ladder.pk),
        {"step_ids": order[:2]},
        format="json",
    )
    assert r.status_code == 400


def test_habits_and_check_marks_over_the_api(workspace, patient, gp, gp_membership, steps):
    me = api(patient)
    ws = workspace.pk
    r = me.post(
        url("habit-list", workspace_id=ws),
        {
            "name": "Walk",
            "schedule_kind": "per_week",
            "times_per_week": 3,
            "source_step": str(steps[0].pk),
        },
        format="json",
    )
    assert r.status_code == 201, r.data
    habit_id = r.data["id"]
    today = services.local_today(patient)
    checks = url("habit-check-list", workspace_id=ws, habit_id=habit_id)
    assert me.post(checks, {"day": today.isoformat()}).data["current_streak"] == 1
    assert (
        me.post(checks, {"day": (today - timedelta(days=1)).isoformat()}).data["current_streak"]
        == 2
    )
    for bad in (
        (today - timedelta(days=2)).isoformat(),
        (today + timedelta(days=1)).isoformat(),
        "2026-02-30",
        "",
    ):
        assert me.post(checks, {"day": bad}).status_code == 400
    assert HabitCheck.objects.count() == 2
    assert me.post(checks, {"day": today.isoformat(), "done": False}).data["current_streak"] == 1
    r = api(gp).get(url("habit-detail", workspace_id=ws, habit_id=habit_id))
    assert r.status_code == 200 and r.data["last_check"] == (today - timedelta(days=1)).isoformat()
    assert api(gp).post(checks, {"day": today.isoformat()}).status_code == 403
    assert AccessLogEntry.objects.filter(actor=gp, section="habits", via="api").exists()


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "schedule_kind": "weekdays"},
        {"name": "x", "schedule_kind": "weekdays", "weekdays": [7]},
        {"name": "x", "schedule_kind": "per_week", "times_per_week": 0},
        {"name": "x", "schedule_kind": "per_week"},
        {"name": "x", "schedule_kind": "fortnightly"},
        {"name": "", "schedule_kind": "daily"},
    ],
)
def test_bad_schedules_are_400(workspace, patient, body):
    r = api(patient).post(url("habit-list", workspace_id=workspace.pk), body, format="json")
    assert r.status_code == 400, r.data
    assert not Habit.objects.exists()


def test_clinician_reads_are_logged(workspace, gp, gp_membership, ladder):
    api(gp).get(url("goal-ladder-list", workspace_id=workspace.pk))
    api(gp).get(url("goal-history", workspace_id=workspace.pk, ladder_id=ladder.pk))
    assert AccessLogEntry.objects.filter(actor=gp, section="goals", via="api").count() == 2


def _grow(workspace, patient, gp, ladder, n):
    for i in range(n):
        other = services.ladder_create(workspace=workspace, by=patient, title=f"G{i}")
        step = services.step_add(ladder=other, by=patient, description="s")
        if ladder.steps.count() < services.MAX_STEPS - 1:  # a ladder holds up to 30 steps
            services.step_add(ladder=ladder, by=patient, description=f"s{i}")
        services.proposal_create(
            workspace=workspace,
            by=gp,
            kind="edit_step",
            ladder=other,
            step=step,
            payload={"difficulty": 4},
        )
        services.comment_add(ladder=ladder, by=gp, body="c")
        habit = services.habit_create(workspace=workspace, by=patient, name=f"H{i}")
        services.habit_check_set(habit=habit, by=patient, day=habit.start_date)


LISTS = [
    ("goal-ladder-list", False),
    ("goal-proposal-list", False),
    ("goal-comment-list", True),
    ("goal-history", True),
    ("goal-step-list", True),
    ("habit-list", False),
]


@pytest.mark.parametrize(("name", "per_ladder"), LISTS)
def test_list_endpoints_have_flat_query_counts(
    workspace, patient, gp, gp_membership, ladder, name, per_ladder
):
    kwargs = {"workspace_id": workspace.pk} | ({"ladder_id": ladder.pk} if per_ladder else {})
    client = api(gp)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(name, **kwargs)).status_code == 200
        return len(ctx)

    _grow(workspace, patient, gp, ladder, 2)
    small = count()
    _grow(workspace, patient, gp, ladder, 48)
    assert count() == small


def test_check_list_has_flat_query_counts(workspace, patient):
    habit = services.habit_create(workspace=workspace, by=patient, name="x")
    client = api(patient)
    target = url("habit-check-list", workspace_id=workspace.pk, habit_id=habit.pk)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(target)
        return len(ctx)

    HabitCheck.objects.bulk_create(
        [HabitCheck(habit=habit, day=habit.start_date - timedelta(days=i)) for i in range(2)]
    )
    small = count()
    HabitCheck.objects.bulk_create(
        [HabitCheck(habit=habit, day=habit.start_date - timedelta(days=i)) for i in range(2, 50)]
    )
    assert count() == small


def test_schema_lists_every_goals_endpoint(client):
    r = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    import json

    paths = (
        json.loads(r.content)["paths"] if r["Content-Type"].startswith("application/json") else None
    )
    if paths is None:
        import yaml

        paths = yaml.safe_load(r.content)["paths"]
    wanted = [
        "/api/v1/workspaces/{workspace_id}/goals/ladders/",
        "/api/v1/workspaces/{workspace_id}/goals/ladders/{ladder_id}/",
        "/api/v1/workspaces/{workspace_id}/goals/ladders/{ladder_id}/steps/",
        "/api/v1/workspaces/{workspace_id}/goals/ladders/{ladder_id}/steps/order/",
        "/api/v1/workspaces/{workspace_id}/goals/ladders/{ladder_id}/comments/",
        "/api/v1/workspaces/{workspace_id}/goals/ladders/{ladder_id}/history/",
        "/api/v1/workspaces/{workspace_id}/goals/steps/{step_id}/",
        "/api/v1/workspaces/{workspace_id}/goals/proposals/",
        "/api/v1/workspaces/{workspace_id}/goals/proposals/{proposal_id}/",
        "/api/v1/workspaces/{workspace_id}/goals/proposals/{proposal_id}/answer/",
        "/api/v1/workspaces/{workspace_id}/habits/",
        "/api/v1/workspaces/{workspace_id}/habits/{habit_id}/",
        "/api/v1/workspaces/{workspace_id}/habits/{habit_id}/checks/",
    ]
    assert set(wanted) <= set(paths)


def test_proposals_from_outside_or_without_consent_change_nothing(
    workspace, ladder, therapist, therapist_membership, outsider_clinician, other_patient
):
    body = {"kind": "new_step", "ladder": str(ladder.pk), "payload": {"description": "Sneaky"}}
    target = url("goal-proposal-list", workspace_id=workspace.pk)
    assert api(therapist).post(target, body, format="json").status_code == 403
    assert api(outsider_clinician).post(target, body, format="json").status_code == 404
    assert api(other_patient).post(target, body, format="json").status_code == 404
    assert not Proposal.objects.exists()


def test_unknown_status_filter_is_400(workspace, patient):
    r = api(patient).get(url("goal-proposal-list", workspace_id=workspace.pk) + "?status=maybe")
    assert r.status_code == 400


def test_request_body_cannot_choose_the_owner_or_author(
    workspace, patient, gp, gp_membership, ladder
):
    r = api(gp).post(
        url("goal-comment-list", workspace_id=workspace.pk, ladder_id=ladder.pk),
        {"body": "Hello", "author": str(patient.pk), "ladder": "x", "workspace": "y"},
        format="json",
    )
    assert r.status_code == 201 and r.data["author"]["id"] == str(gp.pk)


def test_an_absurd_ladder_version_is_a_clear_answer(workspace, patient, ladder):
    target = url("goal-ladder-detail", workspace_id=workspace.pk, ladder_id=ladder.pk)
    assert api(patient).patch(target, {"version": 10**30, "title": "x"}).status_code == 400
    assert api(patient).patch(target, {"version": 2**31 - 1, "title": "x"}).status_code == 409
