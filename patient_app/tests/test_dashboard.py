"""The patient dashboard: menu on the left, next step and progress in the middle, the two core
tools on the right, messages visible; the card contract; the help page; flat query counts."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from care.sections import Section
from goals import services as goals
from messaging import services as messaging
from patient_app.dashboard import CARDS, REGIONS
from tests.factories import GPFactory, PatientFactory, add_member, workspace_for

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
