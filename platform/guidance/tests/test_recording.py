"""Guidance time is recorded by the services where a clinician acts, once per act."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alerts import services as alert_services
from guidance import conf, services
from guidance.models import GuidanceEntry
from messaging import services as messaging
from records.models import AuditEvent
from tests.factories import ALL_SECTIONS, GPFactory, add_member

pytestmark = pytest.mark.django_db


def test_a_review_counts_its_measured_time_clamped(gp, gp_membership, workspace):
    review = alert_services.review_record(
        membership=gp_membership, by=gp, note="Reviewed together.", time_spent=timedelta(minutes=7)
    )
    entry = GuidanceEntry.objects.get()
    assert (entry.kind, entry.minutes, entry.source) == ("review", 7, f"review:{review.pk}")
    assert (entry.workspace, entry.clinician, entry.membership) == (workspace, gp, gp_membership)
    alert_services.review_record(
        membership=gp_membership, by=gp, note="Long one.", time_spent=timedelta(hours=3)
    )
    alert_services.review_record(
        membership=gp_membership, by=gp, note="Quick.", time_spent=timedelta(seconds=5)
    )
    alert_services.review_record(membership=gp_membership, by=gp, note="Not measured.")
    minutes = sorted(GuidanceEntry.objects.values_list("minutes", flat=True))
    assert minutes == sorted([7, 30, 1, conf.DEFAULT_MINUTES["review"]])


def test_a_review_that_resolves_an_overdue_alert_counts_once(gp, gp_membership, workspace):
    alert_services.alert_raise(
        workspace=workspace,
        kind="review_overdue",
        severity="routine",
        source_id="due:2026-01-01",
        membership=gp_membership,
    )
    alert_services.review_record(membership=gp_membership, by=gp, note="Caught up.")
    assert list(GuidanceEntry.objects.values_list("kind", flat=True)) == ["review"]


def test_resolving_an_alert_counts_alert_handling(gp, gp_membership, workspace):
    alert, _ = alert_services.alert_raise(
        workspace=workspace, kind="inactivity", severity="routine", source_id="quiet"
    )
    alert_services.alert_resolve(alert=alert, by=gp, note="Phoned, all well.")
    entry = GuidanceEntry.objects.get()
    assert (entry.kind, entry.minutes) == ("alert_handling", conf.DEFAULT_MINUTES["alert_handling"])


def _send(thread, sender, at=None):
    return messaging.message_send(
        thread=thread, sender=sender, body="Hello there", client_id=uuid.uuid4()
    )


def test_a_burst_of_messages_is_one_conversation_and_retries_count_once(
    gp, gp_membership, workspace, patient
):
    thread = messaging.team_thread_for(workspace=workspace)
    client_id = uuid.uuid4()
    messaging.message_send(thread=thread, sender=gp, body="First", client_id=client_id)
    messaging.message_send(thread=thread, sender=gp, body="First", client_id=client_id)  # retry
    assert GuidanceEntry.objects.get().minutes == conf.DEFAULT_MINUTES["message"]
    _send(thread, patient)  # the patient's messages are not guidance time
    assert GuidanceEntry.objects.count() == 1
    # Three minutes later the GP writes again: the same conversation, now 2 + 3 minutes.
    GuidanceEntry.objects.update(
        occurred_at=timezone.now() - timedelta(minutes=3),
        last_activity_at=timezone.now() - timedelta(minutes=3),
    )
    _send(thread, gp)
    entry = GuidanceEntry.objects.get()
    assert (entry.acts, entry.minutes) == (2, conf.DEFAULT_MINUTES["message"] + 3)
    # After a pause longer than the window, a new conversation starts.
    GuidanceEntry.objects.update(last_activity_at=timezone.now() - conf.FOLD_WINDOW * 2)
    _send(thread, gp)
    assert GuidanceEntry.objects.count() == 2


def test_a_rolled_back_message_leaves_no_time(gp, gp_membership, workspace):
    thread = messaging.team_thread_for(workspace=workspace)
    with pytest.raises(RuntimeError), transaction.atomic():
        _send(thread, gp)
        raise RuntimeError("the request failed after the send")
    assert not GuidanceEntry.objects.exists()


def test_the_same_source_is_never_counted_twice(gp, gp_membership, workspace):
    with transaction.atomic():
        first = services.guidance_record(
            clinician=gp, workspace_id=workspace.pk, kind="feedback", source="answer-feedback:x"
        )
        again = services.guidance_record(
            clinician=gp, workspace_id=workspace.pk, kind="feedback", source="answer-feedback:x"
        )
    assert first is not None and again is None
    assert GuidanceEntry.objects.count() == 1


def test_nothing_is_counted_for_someone_outside_the_care_team(workspace, outsider_clinician):
    with transaction.atomic():
        entry = services.guidance_record(
            clinician=outsider_clinician, workspace_id=workspace.pk, kind="other", source="x:1"
        )
    assert entry is None and not GuidanceEntry.objects.exists()


def test_manual_entries_and_corrections_are_validated_and_audited(gp, gp_membership, workspace):
    today = timezone.localdate()
    entry = services.guidance_add(
        membership=gp_membership, by=gp, kind="other", minutes=20, occurred_on=today, note="Call"
    )
    assert entry.manual and entry.minutes == 20
    for bad in (
        {"minutes": 0},
        {"minutes": conf.MANUAL_MAX_MINUTES + 1},
        {"minutes": "20"},
        {"kind": "nap"},
        {"occurred_on": today + timedelta(days=1)},
        {"note": "x" * 201},
    ):
        fields = {"kind": "other", "minutes": 5, "occurred_on": today, "note": ""} | bad
        with pytest.raises(ValidationError):
            services.guidance_correct(entry=entry, by=gp, **fields)
    entry.refresh_from_db()
    assert (entry.minutes, entry.corrected_at) == (20, None)
    services.guidance_correct(
        entry=entry, by=gp, kind="review", minutes=25, occurred_on=today, note="Call and review"
    )
    entry.refresh_from_db()
    assert (entry.kind, entry.minutes) == ("review", 25) and entry.corrected_at
    event = AuditEvent.objects.get(action="guidance.entry.corrected")
    assert event.data["minutes_before"] == 20 and event.data["minutes"] == 25


def test_only_the_author_corrects_an_entry(gp, gp_membership, workspace):
    other = GPFactory()
    add_member(workspace, other, ALL_SECTIONS)
    entry = services.guidance_add(
        membership=gp_membership, by=gp, kind="other", minutes=10, occurred_on=timezone.localdate()
    )
    with pytest.raises(ValidationError):
        services.guidance_correct(
            entry=entry, by=other, kind="other", minutes=50, occurred_on=timezone.localdate()
        )
    entry.refresh_from_db()
    assert entry.minutes == 10


def test_goal_co_setting_and_crisis_plan_suggestions_count(gp, gp_membership, workspace, patient):
    from goals import services as goals
    from toolbox import services as toolbox

    ladder = goals.ladder_create(workspace=workspace, by=patient, title="Walk to the shop")
    goals.proposal_create(
        workspace=workspace,
        by=gp,
        kind="new_step",
        ladder=ladder,
        payload={"description": "Walk to the corner"},
        time_spent=timedelta(minutes=4),
    )
    goals.comment_add(ladder=ladder, by=gp, body="Lovely plan.")
    goals.comment_add(ladder=ladder, by=patient, body="Thank you.")
    toolbox.crisis_suggestion_create(
        workspace=workspace, by=gp, kind="self_help", text="A walk round the block"
    )
    kinds = sorted(GuidanceEntry.objects.values_list("kind", "minutes"))
    assert kinds == sorted([("goal_setting", 4), ("goal_setting", 5), ("feedback", 5)])
