"""The patient dashboard: menu on the left, next step and progress in the middle, the two core
tools on the right, messages visible; the card contract; the help page; flat query counts."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts import services as alerts
from care import services as care
from care.sections import Section
from content import services as content
from content.loader import pack_load
from content.models import AnswerFeedback, ExerciseAnswer, Page
from content.tests.conftest import PACK
from goals import services as goals
from goals.models import HabitCheck
from measures import services as measures
from measures.definitions import instruments
from measures.models import Response
from messaging import services as messaging
from patient_app.dashboard import CARDS, REGIONS
from tests.factories import (
    GPFactory,
    PatientFactory,
    TherapistFactory,
    add_member,
    local_today,
    workspace_for,
)
from toolbox import services as toolbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, patient):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    return client


def test_the_face_composes_every_card_in_a_known_region_with_a_template():
    from django.template.loader import get_template

    assert {card.region for card in CARDS} <= set(REGIONS)
    for card in CARDS:
        get_template(card.template)  # raises TemplateDoesNotExist
    by_name = {card.name: card for card in CARDS}
    assert by_name["chain"].region == by_name["ladder"].region == "tools"
    assert by_name["programme"].region == by_name["messages"].region == "main"


def test_the_next_step_comes_first_then_the_two_core_tools(signed_in):
    """On a phone (one column, reading order) the core tools come right after the next step,
    not at the bottom; from 48rem they stand on the right (app.css)."""
    response = signed_in.get(reverse("patient:dashboard"))
    assert response.status_code == 200
    regions = response.context["regions"]
    assert regions["main"][0]["name"] == "programme"
    assert [card["name"] for card in regions["tools"]] == ["chain", "ladder"]
    html = response.content.decode()
    lead, tools, main, side = (
        html.index(f'data-region="{name}"') for name in ("lead", "tools", "main", "side")
    )
    assert lead < tools < main < side
    tools_html = html[tools:main]
    assert tools_html.index("Don't break the chain") < tools_html.index("Goal ladder")
    assert 'id="dashboard-messages"' in html[main:side]
    # The face's menu carries the places; the dashboard repeats no menu of its own.
    assert 'aria-label="Programme menu"' not in html
    assert f'href="{reverse("patient:crisis_plan")}"' in html


def test_unread_messages_and_the_latest_thread_show(signed_in, workspace, gp, gp_membership):
    thread = messaging.team_thread_for(workspace=workspace)
    for body in ("Hello", "How are you?"):
        messaging.message_send(thread=thread, sender=gp, body=body, client_id=uuid.uuid4())
    html = signed_in.get(reverse("patient:dashboard")).content.decode()
    assert "2 unread messages" in html
    assert reverse("patient:message_thread", args=[thread.pk]) in html


def test_the_help_page_explains_the_programme_sharing_crisis_plan_and_team(signed_in):
    html = signed_in.get(reverse("patient:help")).content.decode()
    for heading in (
        "How the programme works",
        "What your care team can see",
        "Your crisis plan",
        "Reaching your care team",
    ):
        assert heading in html
    assert reverse("patient:crisis_plan") in html


def _count(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("patient:dashboard"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


# The whole request of a patient some weeks in, middleware included (QUALITY.md: at most 10):
EXPECTED_QUERIES = [
    "the session, with the account it belongs to (accounts.session_store)",
    "the care team, with organisations and shared-section counts (asked by the language "
    "middleware for the organisation's defaults, listed by the page)",
    "the workspace, with whether the patient checked in today and whether there are covers, "
    "shared review notes or unread replies to show",
    "the enrolments, with their programmes",
    "the programme's pages, with their modules, the patient's progress and recommendations",
    "the conversations, with their unread counts",
    "the questionnaire schedules, with each instrument's latest completion",
    "the habits, joined to the days they were marked",
    "the goal ladders, joined to their steps, with their open suggestions counted",
]
DASHBOARD_QUERY_BUDGET = 10


def _patient_some_weeks_in(programme, size: int):
    """A patient some weeks into the programme, with ``size`` of everything that grows: a GP
    and a therapist who see most sections; the programme started, ``size`` pages opened (every
    other one done) and a module recommended; ``size`` messages in the team thread and in a
    private one; two habits marked on ``size`` days; two goal ladders with steps and an open
    suggestion; PHQ-9 and GAD-7 scored ``size`` times each on a schedule; today's check-in."""
    patient = PatientFactory()
    workspace = workspace_for(patient)
    gp, therapist = GPFactory(), TherapistFactory()
    add_member(workspace, gp, [Section.PROGRESS, Section.MEASURES, Section.HABITS])
    with_therapist = add_member(workspace, therapist, [Section.GOALS, Section.HABITS])
    enrolment = content.enrolment_start(workspace=workspace, programme=programme, by=patient)
    enrolment.recommended_modules.add(programme.modules.order_by("position").last())
    pages = Page.objects.filter(module__programme=programme).order_by(
        "module__position", "position"
    )
    for n, page in enumerate(pages[:size]):
        content.page_visit(enrolment=enrolment, page=page, by=patient)
        if n % 2 == 0:
            content.page_complete(enrolment=enrolment, page=page, by=patient)
    team = messaging.team_thread_for(workspace=workspace)
    private = messaging.private_thread_open(
        workspace=workspace, membership_id=with_therapist.pk, by=patient
    )
    for n in range(size):
        for thread, clinician in ((team, gp), (private, therapist)):
            sender = patient if n % 3 == 0 else clinician
            messaging.message_send(
                thread=thread, sender=sender, body=f"Message {n}", client_id=uuid.uuid4()
            )
    today = local_today(patient)
    for name in ("A short walk", "Stretch"):
        habit = goals.habit_create(workspace=workspace, by=patient, name=name)
        HabitCheck.objects.bulk_create(
            HabitCheck(habit=habit, day=today - timedelta(days=n)) for n in range(size)
        )
    for title in ("Walk to the bakery", "Cook for a friend"):
        ladder = goals.ladder_create(workspace=workspace, by=patient, title=title)
        for difficulty in (2, 5, 8):
            goals.step_add(ladder=ladder, by=patient, description=f"Step {difficulty}",
                           difficulty=difficulty)  # fmt: skip
    goals.proposal_create(
        workspace=workspace, by=therapist, kind="new_step", ladder=ladder,
        payload={"description": "Ask them first", "difficulty": 3},
    )  # fmt: skip
    known = instruments()
    for code in ("phq9", "gad7"):
        measures.schedule_set(
            workspace=workspace, instrument=code, starts_on=today - timedelta(weeks=10),
            every_weeks=2, by=gp,
        )  # fmt: skip
        Response.objects.bulk_create(
            Response(
                workspace=workspace,
                instrument=code,
                instrument_version=known[code].version,
                status=Response.Status.COMPLETED,
                answers={},
                total=n % 20,
                band=known[code].band_for(n % 20).code,
                completed_at=timezone.now() - timedelta(days=3 + 7 * n),
            )  # fmt: skip
            for n in range(size)
        )
    toolbox.checkin_save(
        workspace=workspace, by=patient, day=today, mood=4, symptoms=2, energy=3, sleep=4
    )
    return patient


def test_a_patient_some_weeks_in_costs_the_same_few_queries_at_any_size(client):
    """The queries the request makes (EXPECTED_QUERIES) are the same for 3 and for 30 of
    everything, and within the budget; none repeats a read of the session, the account, the
    workspace or the care team."""
    programme = pack_load(PACK).programme
    counts = []
    for size in (3, 30):
        patient = _patient_some_weeks_in(programme, size)
        client.force_login(patient, backend="accounts.backends.EmailBackend")
        counts.append(_count(client))
        html = client.get(reverse("patient:dashboard")).content.decode()
        assert "Continue where you left off" in html and "You have checked in today." in html
        assert "1 suggestion waiting for you" in html and "Walk to the bakery" in html
        assert 'id="dashboard-chain"' in html and "A short walk" in html
    assert counts == [len(EXPECTED_QUERIES)] * 2, counts
    assert counts[0] <= DASHBOARD_QUERY_BUDGET


def test_a_notice_costs_one_more_query_only_when_there_is_something_to_show(
    client, patient, workspace, gp, gp_membership, therapist, therapist_membership
):
    """A cover, a shared review note and an unread reply each add the one query that lists
    them; without them, nothing is read for them (their yes-or-no comes with the workspace)."""
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    before = _count(client)
    alerts.review_record(membership=gp_membership, by=gp, note="Going well.",
                         shared_with_patient=True)  # fmt: skip
    with_review = _count(client)
    today = timezone.localdate()
    care.cover_create(absent=gp, colleague=therapist, starts_on=today + timedelta(days=2),
                      ends_on=today + timedelta(days=9))  # fmt: skip
    with_cover = _count(client)
    programme = pack_load(PACK).programme
    enrolment = content.enrolment_start(workspace=workspace, programme=programme, by=patient)
    exercise = programme.exercises.first()
    answer = ExerciseAnswer.objects.create(
        enrolment=enrolment, exercise=exercise, exercise_version=exercise.version, data={},
        status=ExerciseAnswer.Status.SUBMITTED,
    )  # fmt: skip
    enrolled = _count(client)  # the programme's pages in place of the programmes to start
    AnswerFeedback.objects.create(answer=answer, author=gp, author_name="Dr Gina", text="Good.")
    with_reply = _count(client)
    html = client.get(reverse("patient:dashboard")).content.decode()
    assert "Going well." in html and "Cover in your care team" in html
    assert "You have a new reply from your care team." in html
    assert with_review == before + 1 and with_cover == with_review + 1
    assert enrolled == with_cover and with_reply == enrolled + 1


def test_the_dashboard_costs_the_same_at_2_and_50_threads_goals_and_habits(client):
    counts = []
    for size in (2, 50):
        patient = PatientFactory()
        workspace = workspace_for(patient)
        for i in range(size):
            gp = GPFactory()
            membership = add_member(workspace, gp, [Section.GOALS])
            thread = messaging.private_thread_open(
                workspace=workspace, membership_id=membership.pk, by=patient
            )
            messaging.message_send(thread=thread, sender=gp, body="Hi", client_id=uuid.uuid4())
            goals.ladder_create(workspace=workspace, by=patient, title=f"Goal {i}")
            goals.habit_create(workspace=workspace, by=patient, name=f"Habit {i}")
        client.force_login(patient, backend="accounts.backends.EmailBackend")
        counts.append(_count(client))
        assert (
            f"{size} unread messages" in client.get(reverse("patient:dashboard")).content.decode()
        )
    assert counts[0] == counts[1], counts


def test_the_goal_ladder_is_a_ladder_easiest_first_with_the_next_step_marked(signed_in, patient):
    from goals.models import Step

    workspace = workspace_for(patient)
    ladder = goals.ladder_create(workspace=workspace, by=patient, title="Walk to the bakery")
    hard = goals.step_add(ladder=ladder, by=patient, description="All the way", difficulty=8)
    easy = goals.step_add(ladder=ladder, by=patient, description="To the gate", difficulty=1)
    middle = goals.step_add(ladder=ladder, by=patient, description="To the corner", difficulty=4)
    Step.objects.filter(pk=easy.pk).update(state=Step.State.DONE)
    html = signed_in.get(reverse("patient:dashboard")).content.decode()
    card = html[html.index('id="dashboard-ladder"') :]
    # Easiest first in the list (the CSS stacks it bottom-up): 1, 4, 8, whatever the order added.
    positions = [card.index(f'data-step="{step.pk}"') for step in (easy, middle, hard)]
    assert positions == sorted(positions)
    rungs = {
        step.pk: next(li for li in card.split("<li")[1:] if f'data-step="{step.pk}"' in li)
        for step in (easy, middle, hard)
    }
    assert "is-done" in rungs[easy.pk]
    # The step to take now: the easiest one not done yet.
    assert 'aria-current="step"' in rungs[middle.pk] and "is-current" in rungs[middle.pk]
    assert "aria-current" not in rungs[easy.pk] + rungs[hard.pk]


def test_dont_break_the_chain_is_a_chain_of_the_last_seven_days(signed_in, patient):
    from datetime import timedelta

    workspace = workspace_for(patient)
    habit = goals.habit_create(workspace=workspace, by=patient, name="A short walk")
    today = goals.local_today(patient)  # the patient's own day, whatever the server's clock
    goals.habit_check_set(habit=habit, by=patient, day=today)
    html = signed_in.get(reverse("patient:dashboard")).content.decode()
    card = html[html.index('id="dashboard-chain"') : html.index('id="dashboard-ladder"')]
    assert card.count('class="day-chain-item') == 7
    assert f'data-day="{today:%Y-%m-%d}"' in card
    todays = card[: card.index(f'data-day="{today:%Y-%m-%d}"')]
    assert todays.rindex("is-today") > todays.rindex("<li")
    assert "1 day in a row" in card
    yesterday = today - timedelta(days=1)
    after = card[card.index(f'data-day="{yesterday:%Y-%m-%d}"') - 60 :]
    assert "is-done" not in after[: after.index("data-day")]
