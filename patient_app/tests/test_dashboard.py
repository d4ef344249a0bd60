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
from patient_app.dashboard import CardEntry, card_entries
from tests.factories import GPFactory, PatientFactory, add_member, workspace_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, patient):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    return client


def test_cards_declare_their_region_and_old_entries_default_to_main():
    assert CardEntry.from_declaration((1, "x.html", dict)).region == "main"
    assert CardEntry.from_declaration((1, "x.html", dict, "tools")).region == "tools"
    with pytest.raises(ValueError):
        CardEntry.from_declaration((1, "x.html", dict, "footer"))
    by_template = {entry.template: entry for entry in card_entries()}
    assert by_template["goals/dashboard_chain.html"].region == "tools"
    assert by_template["goals/dashboard_ladder.html"].region == "tools"
    assert by_template["content/dashboard_card.html"].region == "main"
    assert by_template["messaging/dashboard_card.html"].region == "main"


def test_the_layout_has_the_menu_the_middle_and_the_tools_in_order(signed_in):
    response = signed_in.get(reverse("patient:dashboard"))
    assert response.status_code == 200
    regions = response.context["regions"]
    assert regions["main"][0]["template"] == "content/dashboard_card.html"
    assert [card["template"] for card in regions["tools"]] == [
        "goals/dashboard_chain.html",
        "goals/dashboard_ladder.html",
    ]
    html = response.content.decode()
    side, main, tools = (html.index(f'data-region="{name}"') for name in ("side", "main", "tools"))
    assert side < main < tools
    menu = html[html.index('aria-label="Programme menu"') : main]
    for name in ("patient:help", "patient:programme_overview", "patient:exercise_library"):
        assert f'href="{reverse(name)}"' in menu
    assert f'href="{reverse("patient:crisis_plan")}"' in menu
    tools_html = html[tools:]
    assert tools_html.index("Don't break the chain") < tools_html.index("Goal ladder")
    assert 'id="dashboard-messages"' in html[main:tools]


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
