"""The alert engine: raising (idempotent, de-duplicated), lifecycle, audit, events, escalation."""

from datetime import timedelta

import pytest
import time_machine
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts import services
from alerts.models import Alert, AlertKind, AlertTrigger
from alerts.policies import alerts_visible_to
from records.events import user_group
from records.models import AuditEvent
from tests.factories import ALL_SECTIONS, GPFactory, add_member

pytestmark = pytest.mark.django_db

URGENT, ROUTINE = Alert.Severity.URGENT, Alert.Severity.ROUTINE


def raise_risk(workspace, source="phq9-response-1", severity=URGENT):
    return services.alert_raise(
        workspace=workspace, kind=AlertKind.RISK, severity=severity, source_id=source
    )


def test_the_same_source_raises_once_even_after_resolution(workspace, gp_membership, gp):
    alert, created = raise_risk(workspace)
    again, created_again = raise_risk(workspace)
    assert created and not created_again and again.pk == alert.pk
    services.alert_resolve(alert=alert, by=gp, note="Called the patient; safe.")
    after, created_after = raise_risk(workspace)
    assert not created_after and after.pk == alert.pk
    assert Alert.objects.count() == 1
    assert AlertTrigger.objects.count() == 1


def test_a_new_source_folds_into_the_unresolved_alert_of_that_kind(workspace, gp_membership):
    first, _ = raise_risk(workspace, "a", severity=ROUTINE)
    second, created = raise_risk(workspace, "b", severity=URGENT)
    assert not created and second.pk == first.pk
    first.refresh_from_db()
    assert first.severity == URGENT, "an urgent repeat upgrades a routine alert"
    assert list(first.triggers.values_list("source_id", flat=True)) == ["a", "b"]
    assert AuditEvent.objects.filter(action="alerts.alert.repeated").count() == 1


def test_after_resolution_a_new_source_opens_a_new_alert(workspace, gp_membership, gp):
    first, _ = raise_risk(workspace, "a")
    services.alert_resolve(alert=first, by=gp, note="Seen.")
    second, created = raise_risk(workspace, "b")
    assert created and second.pk != first.pk


def test_the_database_refuses_two_unresolved_alerts_of_a_kind(workspace, gp_membership):
    raise_risk(workspace)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(workspace=workspace, kind=AlertKind.RISK, severity=ROUTINE)


def test_relationship_alerts_are_one_per_relationship(
    workspace, gp_membership, therapist_membership
):
    a, _ = services.alert_raise(
        workspace=workspace,
        kind=AlertKind.REVIEW_OVERDUE,
        severity=ROUTINE,
        source_id="review-due:2026-01-01",
        membership=gp_membership,
    )
    b, created = services.alert_raise(
        workspace=workspace,
        kind=AlertKind.REVIEW_OVERDUE,
        severity=ROUTINE,
        source_id="review-due:2026-01-02",
        membership=therapist_membership,
    )
    assert created and a.pk != b.pk
    assert (a.section, b.section) == ("", "")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "nonsense", "severity": "urgent", "source_id": "x"},
        {"kind": "risk", "severity": "loud", "source_id": "x"},
        {"kind": "risk", "severity": "urgent", "source_id": ""},
        {"kind": "risk", "severity": "urgent", "source_id": "x" * 129},
        {"kind": "review_overdue", "severity": "routine", "source_id": "x"},
    ],
)
def test_bad_input_is_refused_and_changes_nothing(workspace, gp_membership, kwargs):
    with pytest.raises(ValidationError):
        services.alert_raise(workspace=workspace, **kwargs)
    assert not Alert.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="alerts.").exists()


def test_a_membership_of_another_workspace_is_refused(workspace, other_patient, gp_membership, gp):
    from tests.factories import workspace_for

    other = workspace_for(other_patient)
    with pytest.raises(ValidationError):
        services.alert_raise(
            workspace=other,
            kind=AlertKind.REPLY_OVERDUE,
            severity=ROUTINE,
            source_id="m1",
            membership=gp_membership,
        )


def test_lifecycle_records_who_and_when_and_audits_every_transition(workspace, gp_membership, gp):
    alert, _ = raise_risk(workspace)
    assert alert.membership == gp_membership, "the lead (the only member) is responsible"
    alert = services.alert_acknowledge(alert=alert, by=gp)
    assert alert.status == Alert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == gp and alert.acknowledged_at is not None
    assert services.alert_acknowledge(alert=alert, by=gp).acknowledged_at == alert.acknowledged_at
    with pytest.raises(ValidationError):
        services.alert_resolve(alert=alert, by=gp, note="   ")
    alert = services.alert_resolve(alert=alert, by=gp, note="Phoned; plan agreed.")
    assert alert.status == Alert.Status.RESOLVED and alert.resolved_by == gp
    assert alert.resolution_note == "Phoned; plan agreed."
    with pytest.raises(services.AlertConflict):
        services.alert_resolve(alert=alert, by=gp, note="again")
    with pytest.raises(services.AlertConflict):
        services.alert_acknowledge(alert=alert, by=gp)
    actions = list(
        AuditEvent.objects.filter(action__startswith="alerts.alert.")
        .order_by("created_at")
        .values_list("action", flat=True)
    )
    assert actions == [
        "alerts.alert.raised",
        "alerts.alert.notified",
        "alerts.alert.acknowledged",
        "alerts.alert.resolved",
    ]
    assert all("Phoned" not in str(e.data) for e in AuditEvent.objects.all()), "no free text"


def test_resolving_an_open_alert_acknowledges_it_too(workspace, gp_membership, gp):
    alert, _ = raise_risk(workspace)
    alert = services.alert_resolve(alert=alert, by=gp, note="Done.")
    assert alert.acknowledged_by == gp and alert.acknowledged_at == alert.resolved_at


def test_events_are_published_after_commit_with_ids_only(
    workspace, gp_membership, gp, django_capture_on_commit_callbacks, in_memory_channel_layer
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(gp.pk), channel)
    with django_capture_on_commit_callbacks(execute=True):
        alert, _ = raise_risk(workspace)
    event = async_to_sync(layer.receive)(channel)
    # A risk alert names no section: safety information reaches every member.
    assert event["kind"] == "alerts.raised" and event["section"] is None
    assert event["data"] == {"alert": str(alert.pk), "kind": "risk", "severity": "urgent"}
    with django_capture_on_commit_callbacks(execute=True):
        services.alert_acknowledge(alert=alert, by=gp)
    assert async_to_sync(layer.receive)(channel)["kind"] == "alerts.acknowledged"


def test_alerts_work_with_the_real_time_stack_down(
    workspace, gp_membership, refusing_channel_layer, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        alert, created = raise_risk(workspace)
    assert created and Alert.objects.filter(pk=alert.pk).exists()
    assert [m.to for m in mail.outbox] == [[gp_membership.clinician.email]], "the lead is told"
    assert "publish failed" in caplog.text, "the layer really failed"


def test_visibility_follows_membership_and_consent(
    workspace, gp_membership, therapist_membership, gp, therapist, outsider_clinician, patient
):
    risk, _ = raise_risk(workspace)
    review, _ = services.alert_raise(
        workspace=workspace,
        kind=AlertKind.REVIEW_OVERDUE,
        severity=ROUTINE,
        source_id="r",
        membership=therapist_membership,
    )
    worse, _ = services.alert_raise(
        workspace=workspace, kind=AlertKind.DETERIORATION, severity=ROUTINE, source_id="d"
    )
    assert set(alerts_visible_to(gp)) == {risk, review, worse}
    # Safety information is not a section: the therapist, who sees no measures, sees the risk
    # alert, but not the deterioration alert (which reveals scores).
    assert set(alerts_visible_to(therapist)) == {risk, review}
    assert not alerts_visible_to(outsider_clinician).exists()
    assert not alerts_visible_to(patient).exists()


class TestEscalation:
    @pytest.fixture
    def colleague(self, workspace, gp_membership):
        colleague = GPFactory(full_name="Dr Colleague", email="colleague@example.test")
        add_member(workspace, colleague, ALL_SECTIONS)
        return colleague

    @pytest.fixture
    def duty(self, gp):
        from tests.factories import DutyFactory

        return DutyFactory(organisation=gp.organisation, email="duty@example.test")

    def test_unacknowledged_urgent_alert_goes_to_team_then_duty_contact(
        self,
        workspace,
        gp_membership,
        gp,
        colleague,
        duty,
        patient,
        django_capture_on_commit_callbacks,
    ):
        start = timezone.now()
        with (
            time_machine.travel(start, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            alert, _ = raise_risk(workspace)
        assert [m.to for m in mail.outbox] == [[gp.email]], "the lead is told at once"
        with django_capture_on_commit_callbacks(execute=True):
            services.alerts_escalate_due(now=start + timedelta(minutes=59))
        alert.refresh_from_db()
        assert alert.escalation_level == 0 and len(mail.outbox) == 1

        with django_capture_on_commit_callbacks(execute=True):
            assert services.alerts_escalate_due(now=start + timedelta(minutes=61)) == 1
        alert.refresh_from_db()
        assert alert.escalation_level == Alert.Escalation.CARE_TEAM
        assert mail.outbox[-1].to == ["colleague@example.test"]

        with django_capture_on_commit_callbacks(execute=True):
            services.alerts_escalate_due(now=start + timedelta(minutes=61 + 59))
        assert len(mail.outbox) == 2, "the duty contact waits its own interval"
        with django_capture_on_commit_callbacks(execute=True):
            services.alerts_escalate_due(now=start + timedelta(minutes=61 + 61))
        alert.refresh_from_db()
        assert alert.escalation_level == Alert.Escalation.DUTY_CONTACT
        assert mail.outbox[-1].to == ["duty@example.test"]
        with django_capture_on_commit_callbacks(execute=True):
            assert services.alerts_escalate_due(now=start + timedelta(days=3)) == 0
        assert len(mail.outbox) == 3
        for message in mail.outbox:
            text = message.subject + message.body
            assert patient.full_name not in text
            assert "risk" not in text.lower() and str(workspace.pk) not in text
        levels = AuditEvent.objects.filter(action="alerts.alert.escalated").values_list(
            "data__level", flat=True
        )
        assert sorted(levels) == [1, 2]

    def test_acknowledging_stops_escalation(self, workspace, gp_membership, colleague, duty, gp):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            alert, _ = raise_risk(workspace)
        services.alert_acknowledge(alert=alert, by=gp)
        assert services.alerts_escalate_due(now=start + timedelta(days=1)) == 0
        alert.refresh_from_db()
        assert alert.escalation_level == 0

    def test_routine_alerts_never_escalate(self, workspace, gp_membership, colleague, duty):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            raise_risk(workspace, severity=ROUTINE)
        assert services.alerts_escalate_due(now=start + timedelta(days=2)) == 0

    def test_with_nobody_else_in_the_team_it_goes_to_the_duty_contact(
        self, workspace, gp_membership, duty, django_capture_on_commit_callbacks
    ):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            alert, _ = raise_risk(workspace)
        with django_capture_on_commit_callbacks(execute=True):
            services.alerts_escalate_due(now=start + timedelta(minutes=61))
        alert.refresh_from_db()
        assert alert.escalation_level == Alert.Escalation.DUTY_CONTACT
        assert [m.to for m in mail.outbox] == [["duty@example.test"]]


def test_a_source_recorded_concurrently_is_not_recorded_twice(workspace, gp_membership):
    """Simulate the race: another process stored the trigger after our lookup."""
    first, _ = raise_risk(workspace, "a", severity=ROUTINE)
    original = AlertTrigger.objects.filter

    calls = {"n": 0}

    def late_filter(*args, **kwargs):
        # The first lookup (ours) misses; the other process's trigger is then in place.
        calls["n"] += 1
        if calls["n"] == 1 and kwargs.get("source_id") == "b":
            AlertTrigger.objects.create(
                alert=first, workspace=workspace, kind=AlertKind.RISK, source_id="b"
            )
            return original(pk=None)
        return original(*args, **kwargs)

    AlertTrigger.objects.filter = late_filter
    try:
        alert, created = raise_risk(workspace, "b", severity=URGENT)
    finally:
        AlertTrigger.objects.filter = original
    assert alert.pk == first.pk and not created
    assert AlertTrigger.objects.filter(source_id="b").count() == 1
    assert not AuditEvent.objects.filter(action="alerts.alert.repeated").exists()
