"""The periodic rules (inactivity, overdue review), the engine run and its command."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts import alert_rules, services
from alerts.models import Alert, AlertKind, CareCadence
from alerts.rules import Candidate, rules, run_rules
from care.models import Workspace
from care.sections import Section
from tests.factories import GPFactory, PatientFactory, add_member, workspace_for

pytestmark = pytest.mark.django_db


def quiet_for(workspace, days):
    Workspace.objects.filter(pk=workspace.pk).update(
        last_activity_at=timezone.now() - timedelta(days=days)
    )


def inactivity_alerts():
    return Alert.objects.filter(kind=AlertKind.INACTIVITY)


def test_the_engine_discovers_its_own_rules():
    assert alert_rules.inactivity in rules() and alert_rules.review_overdue in rules()


def test_a_week_of_quiet_raises_one_inactivity_alert(workspace, gp_membership):
    quiet_for(workspace, 6)
    run_rules()
    assert not inactivity_alerts().exists()
    quiet_for(workspace, 8)
    report = run_rules()
    assert report.raised == 1
    run_rules()
    run_rules()
    alert = inactivity_alerts().get()
    assert alert.severity == Alert.Severity.ROUTINE and alert.membership == gp_membership


def test_the_threshold_is_set_per_care_relationship(workspace, gp_membership, gp):
    services.cadence_update(
        membership=gp_membership,
        by=gp,
        inactivity_days=3,
        review_interval_days=14,
        next_review_on=None,
    )
    quiet_for(workspace, 4)
    run_rules()
    assert inactivity_alerts().count() == 1


def test_members_who_cannot_see_progress_do_not_count(workspace, therapist_membership, therapist):
    services.cadence_update(
        membership=therapist_membership,
        by=therapist,
        inactivity_days=1,
        review_interval_days=14,
        next_review_on=None,
    )
    quiet_for(workspace, 30)
    run_rules()
    assert not inactivity_alerts().exists()


def test_a_resolved_quiet_spell_is_not_raised_again_until_the_next_one(
    workspace, gp_membership, gp
):
    quiet_for(workspace, 8)
    run_rules()
    services.alert_resolve(alert=inactivity_alerts().get(), by=gp, note="Sent a message.")
    run_rules()
    assert inactivity_alerts().count() == 1
    quiet_for(workspace, 9)  # active again, then quiet again: a new spell
    run_rules()
    assert inactivity_alerts().filter(status=Alert.Status.OPEN).count() == 1


def test_a_patient_who_never_started_counts_from_the_start_of_the_relationship(
    workspace, gp_membership
):
    run_rules()
    assert not inactivity_alerts().exists()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        run_rules()
    assert inactivity_alerts().count() == 1


def test_an_overdue_review_raises_an_alert_for_that_relationship_and_a_review_closes_it(
    workspace, gp_membership, gp
):
    today = timezone.localdate()
    services.cadence_update(
        membership=gp_membership,
        by=gp,
        inactivity_days=7,
        review_interval_days=14,
        next_review_on=today,
    )
    run_rules()
    assert not Alert.objects.filter(kind=AlertKind.REVIEW_OVERDUE).exists()
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        run_rules()
        alert = Alert.objects.get(kind=AlertKind.REVIEW_OVERDUE)
        assert alert.membership == gp_membership
        review = services.review_record(membership=gp_membership, by=gp, note="Reviewed goals.")
    alert.refresh_from_db()
    assert alert.status == Alert.Status.RESOLVED
    assert review.next_review_on == today + timedelta(days=15)
    assert CareCadence.objects.get(membership=gp_membership).next_review_on == (
        review.next_review_on
    )


def test_only_the_clinician_of_the_relationship_sets_its_cadence(
    gp_membership, therapist, workspace
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.cadence_update(
            membership=gp_membership,
            by=therapist,
            inactivity_days=3,
            review_interval_days=14,
            next_review_on=None,
        )
    with pytest.raises(ValidationError):
        services.cadence_update(
            membership=gp_membership,
            by=gp_membership.clinician,
            inactivity_days=0,
            review_interval_days=14,
            next_review_on=None,
        )
    assert not CareCadence.objects.exclude(inactivity_days=7).exists()


def test_contributed_rules_run_and_bad_candidates_do_not_stop_the_run(workspace, gp_membership):
    def risky(*, now):
        return [
            Candidate(workspace.pk, "risk", "urgent", "event-1"),
            Candidate(workspace.pk, "nonsense", "urgent", "event-2"),
        ]

    report = run_rules(only=[risky])
    assert report.raised == 1 and report.failed == ["nonsense"]
    assert run_rules(only=[risky]).raised == 0


def test_rules_cost_the_same_queries_for_few_and_many_patients():
    def build(size):
        gp = GPFactory()
        for _ in range(size):
            ws = workspace_for(PatientFactory())
            add_member(ws, gp, [Section.PROGRESS])

    counts = []
    for size in (2, 20):
        build(size)
        Alert.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            alert_rules.inactivity(now=timezone.now())
            alert_rules.review_overdue(now=timezone.now())
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == 2


def test_the_command_is_idempotent(workspace, gp_membership):
    quiet_for(workspace, 10)
    out = StringIO()
    call_command("run_alert_rules", stdout=out)
    call_command("run_alert_rules", stdout=out)
    assert inactivity_alerts().count() == 1
    lines = out.getvalue().splitlines()
    assert "raised=1" in lines[0] and "raised=0" in lines[1]
