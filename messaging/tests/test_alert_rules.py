"""The reply-overdue rule: a patient's message waiting longer than the agreed reply time."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.models import Alert, AlertKind, AlertTrigger
from alerts.rules import rules, run_rules
from care.models import CareTeamMembership
from messaging import services
from messaging.alert_rules import reply_overdue
from tests.factories import ALL_SECTIONS, GPFactory, PatientFactory, add_member, workspace_for

# Monday 09:00: one working day later is Tuesday 09:00, two is Wednesday 09:00.
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def _overdue_alerts():
    return Alert.objects.filter(kind=AlertKind.REPLY_OVERDUE)


def _run():
    call_command("run_alert_rules", stdout=StringIO())


@pytest.fixture
def asked(team_thread, send, patient, gp, workspace):
    """The gp promises one working day; the therapist set nothing (two). On Monday 09:00 the
    patient writes twice in the team thread."""
    services.agreement_set(workspace=workspace, clinician=gp, reply_within_working_days=1)
    with time_machine.travel(MONDAY, tick=False):
        first = send(team_thread, patient, body="question")
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        send(team_thread, patient, body="and another thing")
    return first


def test_the_rule_is_discovered_by_the_engine():
    assert reply_overdue in rules()


def test_nothing_is_raised_before_the_agreed_time(asked):
    with time_machine.travel(MONDAY + timedelta(days=1, minutes=-1), tick=False):
        _run()
    assert not _overdue_alerts().exists()


def test_after_it_one_alert_for_the_relationship_whose_agreement_is_breached(
    asked, gp_membership, workspace
):
    with time_machine.travel(MONDAY + timedelta(days=1, minutes=1), tick=False):
        _run()
    alert = _overdue_alerts().get()
    assert alert.membership == gp_membership
    assert alert.workspace == workspace
    assert alert.severity == Alert.Severity.ROUTINE
    assert alert.status == Alert.Status.OPEN
    trigger = AlertTrigger.objects.get(alert=alert)
    assert str(asked.pk) in trigger.source_id, "the source is the oldest unanswered message"


def test_each_member_is_held_to_their_own_agreement(
    asked, gp_membership, therapist_membership, send, team_thread, patient
):
    with time_machine.travel(MONDAY + timedelta(days=2, minutes=1), tick=False):
        _run()
    assert {a.membership for a in _overdue_alerts()} == {gp_membership, therapist_membership}


def test_running_again_keeps_one_alert(asked, send, team_thread, patient):
    with time_machine.travel(MONDAY + timedelta(days=1, minutes=1), tick=False):
        _run()
        send(team_thread, patient, body="hello?")  # still the same unanswered question
        _run()
        report = run_rules()
    assert _overdue_alerts().count() == 1
    assert AlertTrigger.objects.filter(kind=AlertKind.REPLY_OVERDUE).count() == 1
    assert report.raised == 0


def test_a_clinician_answer_resolves_it_and_raises_nothing_new(asked, send, team_thread, therapist):
    with time_machine.travel(MONDAY + timedelta(days=1, minutes=1), tick=False):
        _run()
        send(team_thread, therapist, body="Sorry for the wait")
    alert = _overdue_alerts().get()
    assert alert.status == Alert.Status.RESOLVED
    assert alert.resolved_by == therapist
    with time_machine.travel(MONDAY + timedelta(days=5), tick=False):
        _run()
    assert _overdue_alerts().count() == 1


def test_a_new_question_after_the_answer_can_become_overdue_again(
    asked, send, team_thread, patient, gp, gp_membership
):
    with time_machine.travel(MONDAY + timedelta(days=1, minutes=1), tick=False):
        _run()
        send(team_thread, gp, body="Answered")
    tuesday = MONDAY + timedelta(days=1, hours=2)
    with time_machine.travel(tuesday, tick=False):
        send(team_thread, patient, body="One more question")
    with time_machine.travel(tuesday + timedelta(days=1, minutes=1), tick=False):
        _run()
    assert _overdue_alerts().count() == 2
    assert _overdue_alerts().filter(status=Alert.Status.OPEN).get().membership == gp_membership


def test_an_answer_elsewhere_leaves_an_overdue_private_thread_alerting(
    workspace, team_thread, gp_membership, therapist_membership, send, patient, gp
):
    private = services.private_thread_open(
        workspace=workspace, membership_id=gp_membership.pk, by=patient
    )
    with time_machine.travel(MONDAY, tick=False):
        send(private, patient, body="private question")
        send(team_thread, patient, body="team question")
    with time_machine.travel(MONDAY + timedelta(days=2, minutes=1), tick=False):
        _run()
        send(team_thread, gp, body="team answer")
    gp_alert = _overdue_alerts().filter(membership=gp_membership)
    therapist_alert = _overdue_alerts().filter(membership=therapist_membership)
    assert therapist_alert.get().status == Alert.Status.RESOLVED, "the team thread is answered"
    assert gp_alert.get().status == Alert.Status.OPEN, "the private thread still waits"
    with time_machine.travel(MONDAY + timedelta(days=2, minutes=2), tick=False):
        send(private, gp, body="private answer")
    assert gp_alert.get().status == Alert.Status.RESOLVED


def test_a_private_thread_concerns_only_its_member(
    workspace, gp_membership, therapist_membership, send, patient
):
    private = services.private_thread_open(
        workspace=workspace, membership_id=therapist_membership.pk, by=patient
    )
    with time_machine.travel(MONDAY, tick=False):
        send(private, patient, body="just you")
    with time_machine.travel(MONDAY + timedelta(days=3), tick=False):
        _run()
    assert [a.membership for a in _overdue_alerts()] == [therapist_membership]


def test_working_days_skip_the_weekend(workspace, team_thread, send, patient, gp, gp_membership):
    services.agreement_set(workspace=workspace, clinician=gp, reply_within_working_days=1)
    friday = MONDAY - timedelta(days=3)
    with time_machine.travel(friday, tick=False):
        send(team_thread, patient, body="before the weekend")
    with time_machine.travel(friday + timedelta(days=2, hours=23), tick=False):  # Sunday night
        _run()
    assert not _overdue_alerts().exists()
    with time_machine.travel(friday + timedelta(days=3, minutes=1), tick=False):  # Monday 09:01
        _run()
    assert _overdue_alerts().count() == 1


def test_a_member_who_left_is_not_alerted(asked, gp_membership):
    gp_membership.status = CareTeamMembership.Status.ENDED
    gp_membership.save(update_fields=["status"])
    with time_machine.travel(MONDAY + timedelta(days=1, minutes=1), tick=False):
        _run()
    assert not _overdue_alerts().exists()


def _overdue_workspaces(n: int) -> None:
    for _ in range(n):
        ws = workspace_for(PatientFactory())
        add_member(ws, GPFactory(), ALL_SECTIONS)
        add_member(ws, GPFactory(), [])
        thread = services.team_thread_for(workspace=ws)
        services.message_send(thread=thread, sender=ws.patient, body="?", client_id=uuid.uuid4())


def test_the_rule_costs_the_same_queries_for_2_and_for_20_workspaces():
    with time_machine.travel(MONDAY, tick=False):
        _overdue_workspaces(2)
    later = MONDAY + timedelta(days=7)
    with CaptureQueriesContext(connection) as small:
        found_small = reply_overdue(now=later)
    with time_machine.travel(MONDAY, tick=False):
        _overdue_workspaces(18)
    with CaptureQueriesContext(connection) as large:
        found_large = reply_overdue(now=later)
    assert (len(found_small), len(found_large)) == (4, 40)
    # 1: threads awaiting a reply with their oldest unanswered patient message;
    # 2: the active memberships of those workspaces with their agreements.
    assert len(small.captured_queries) == len(large.captured_queries) == 2
