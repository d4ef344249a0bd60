"""Threads and messages: who takes part, store-once, sequence, history, publish after commit."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from care import services as care
from messaging import selectors, services
from messaging.models import Message, MessageRevision, ReadMark, Thread
from records.events import user_group

pytestmark = pytest.mark.django_db


def _drain(channel_name: str) -> list[dict]:
    layer = get_channel_layer()

    async def _read():
        found = []
        while True:
            try:
                found.append(await asyncio.wait_for(layer.receive(channel_name), 0.05))
            except TimeoutError:
                return found

    return async_to_sync(_read)()


@pytest.fixture(autouse=True)
def _in_memory_layer(in_memory_channel_layer):
    """Read what the service publishes from the test thread (see the root fixture)."""


def _subscribe(user) -> str:
    layer = get_channel_layer()
    name = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(user.pk), name)
    return name


def test_the_patient_and_active_members_take_part_in_the_team_thread(
    team_thread, patient, gp, therapist, outsider_clinician, other_patient
):
    for user in (patient, gp, therapist):
        assert selectors.thread_for_user(user, team_thread.pk) == team_thread
    for user in (outsider_clinician, other_patient):
        with pytest.raises(Http404):
            selectors.thread_for_user(user, team_thread.pk)


def test_a_private_thread_is_only_for_the_patient_and_that_member(
    workspace, patient, gp, therapist, gp_membership, therapist_membership
):
    thread = services.private_thread_open(
        workspace=workspace, membership_id=gp_membership.pk, by=patient
    )
    assert selectors.thread_for_user(gp, thread.pk) == thread
    assert selectors.thread_for_user(patient, thread.pk) == thread
    with pytest.raises(Http404):
        selectors.thread_for_user(therapist, thread.pk)
    again = services.private_thread_open(
        workspace=workspace, membership_id=gp_membership.pk, by=patient
    )
    assert again == thread
    assert Thread.objects.filter(kind="private").count() == 1


def test_only_the_patient_opens_private_threads(workspace, gp, gp_membership):
    with pytest.raises(Http404):
        services.private_thread_open(workspace=workspace, membership_id=gp_membership.pk, by=gp)


def test_a_member_who_leaves_loses_access_at_once(team_thread, patient, gp, gp_membership, send):
    send(team_thread, gp, "Before I go")
    care.membership_end(membership=gp_membership, by=patient)
    with pytest.raises(Http404):
        selectors.thread_for_user(gp, team_thread.pk)
    with pytest.raises(Http404):
        send(team_thread, gp, "After")
    assert Message.objects.count() == 1


def test_a_deactivated_member_loses_access(team_thread, gp):
    gp.is_active = False
    gp.save(update_fields=["is_active"])
    with pytest.raises(Http404):
        selectors.thread_for_user(gp, team_thread.pk)


def test_messages_get_consecutive_sequence_numbers(team_thread, patient, gp, send):
    bodies = ["one", "two", "three"]
    for index, body in enumerate(bodies):
        send(team_thread, patient if index % 2 == 0 else gp, body)
    stored = list(Message.objects.filter(thread=team_thread).values_list("sequence", "body"))
    assert stored == [(1, "one"), (2, "two"), (3, "three")]
    team_thread.refresh_from_db()
    assert team_thread.last_sequence == 3


def test_a_retried_send_is_stored_once(team_thread, patient):
    client_id = uuid.uuid4()
    first, created = services.message_send(
        thread=team_thread, sender=patient, body="Hello", client_id=client_id
    )
    again, created_again = services.message_send(
        thread=team_thread, sender=patient, body="Hello", client_id=str(client_id)
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert Message.objects.count() == 1


def test_someone_elses_client_id_is_refused(team_thread, patient, gp):
    client_id = uuid.uuid4()
    services.message_send(thread=team_thread, sender=patient, body="Hi", client_id=client_id)
    with pytest.raises(ValidationError):
        services.message_send(thread=team_thread, sender=gp, body="Hi", client_id=client_id)
    assert Message.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   ", "x" * 4001, None, 12])
def test_empty_or_oversized_messages_are_refused(team_thread, patient, body):
    with pytest.raises(ValidationError):
        services.message_send(thread=team_thread, sender=patient, body=body, client_id=uuid.uuid4())
    assert Message.objects.count() == 0


def test_a_bad_client_id_is_refused(team_thread, patient):
    with pytest.raises(ValidationError):
        services.message_send(thread=team_thread, sender=patient, body="Hi", client_id="nope")


def test_editing_keeps_the_previous_text(team_thread, patient, send):
    message = send(team_thread, patient, "I feel tired")
    services.message_edit(
        thread=team_thread, message_id=message.pk, by=patient, body="I feel very tired"
    )
    message.refresh_from_db()
    assert message.body == "I feel very tired"
    assert message.edited_at is not None
    assert list(message.revisions.values_list("body", "reason")) == [("I feel tired", "edited")]


def test_only_the_sender_edits_or_removes(team_thread, patient, gp, send):
    message = send(team_thread, patient, "Mine")
    with pytest.raises(ValidationError):
        services.message_edit(thread=team_thread, message_id=message.pk, by=gp, body="Changed")
    with pytest.raises(ValidationError):
        services.message_remove(thread=team_thread, message_id=message.pk, by=gp)
    message.refresh_from_db()
    assert message.body == "Mine" and message.removed_at is None


def test_removing_leaves_a_marker_and_keeps_the_text_in_the_record(team_thread, patient, send):
    message = send(team_thread, patient, "Oops")
    services.message_remove(thread=team_thread, message_id=message.pk, by=patient)
    message.refresh_from_db()
    assert message.is_removed and message.body == ""
    assert Message.objects.filter(pk=message.pk).exists()
    assert MessageRevision.objects.get(message=message).body == "Oops"
    with pytest.raises(ValidationError):
        services.message_edit(thread=team_thread, message_id=message.pk, by=patient, body="x")


def test_posting_in_a_private_thread_stops_when_the_member_leaves(
    workspace, patient, gp_membership, send
):
    thread = services.private_thread_open(
        workspace=workspace, membership_id=gp_membership.pk, by=patient
    )
    send(thread, patient, "Hello")
    care.membership_end(membership=gp_membership, by=patient)
    assert selectors.thread_for_user(patient, thread.pk) == thread  # history stays readable
    with pytest.raises(ValidationError):
        send(thread, patient, "Are you there?")


def test_the_message_is_published_after_commit_to_every_participant(
    team_thread, patient, gp, therapist, outsider_clinician, django_capture_on_commit_callbacks
):
    inboxes = {u.pk: _subscribe(u) for u in (patient, gp, therapist, outsider_clinician)}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.message_send(thread=team_thread, sender=patient, body="Hi", client_id=uuid.uuid4())
        assert all(_drain(name) == [] for name in inboxes.values())  # nothing before commit
    assert callbacks
    for user in (patient, gp, therapist):
        events = _drain(inboxes[user.pk])
        assert events == [
            {
                "type": "message.event",
                "kind": "created",
                "thread": str(team_thread.pk),
                "sequence": 1,
            }
        ]
        assert "Hi" not in str(events)  # ids and numbers only on the layer
    assert _drain(inboxes[outsider_clinician.pk]) == []


def test_a_rollback_publishes_nothing_and_stores_nothing(
    team_thread, patient, django_capture_on_commit_callbacks
):
    inbox = _subscribe(patient)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.message_send(
            thread=team_thread, sender=patient, body="Lost", client_id=uuid.uuid4()
        )
        raise RuntimeError("the surrounding work failed")
    assert callbacks == []
    assert _drain(inbox) == []
    assert Message.objects.count() == 0


def test_a_channel_layer_failure_does_not_fail_the_send(
    team_thread, patient, monkeypatch, django_capture_on_commit_callbacks
):
    class BrokenLayer:
        async def group_send(self, group, event):
            raise ConnectionError("the layer is down")

    monkeypatch.setattr("records.events.get_channel_layer", lambda: BrokenLayer())
    with django_capture_on_commit_callbacks(execute=True):
        message, created = services.message_send(
            thread=team_thread, sender=patient, body="Still stored", client_id=uuid.uuid4()
        )
    assert created
    assert Message.objects.get().body == "Still stored"


def test_read_marks_never_move_back_and_count_unread(team_thread, patient, gp, send):
    for body in ("a", "b", "c"):
        send(team_thread, patient, body)
    row = selectors.threads_with_counts(gp).get(pk=team_thread.pk)
    assert row.unread == 3
    services.thread_mark_read(thread=team_thread, user=gp, sequence=2)
    services.thread_mark_read(thread=team_thread, user=gp, sequence=1)
    assert ReadMark.objects.get(thread=team_thread, user=gp).last_read_sequence == 2
    assert selectors.threads_with_counts(gp).get(pk=team_thread.pk).unread == 1
    # The sender's own messages are never unread for them.
    assert selectors.threads_with_counts(patient).get(pk=team_thread.pk).unread == 0
    services.thread_mark_read(thread=team_thread, user=gp, sequence=99)
    assert ReadMark.objects.get(thread=team_thread, user=gp).last_read_sequence == 3


def test_a_patient_message_waits_for_a_reply_until_a_clinician_answers(
    team_thread, patient, gp, send
):
    send(team_thread, patient, "Question")
    team_thread.refresh_from_db()
    assert team_thread.awaiting_reply_since is not None
    send(team_thread, gp, "Answer")
    team_thread.refresh_from_db()
    assert team_thread.awaiting_reply_since is None


def test_working_days_skip_weekends():
    from datetime import UTC, datetime

    friday = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)
    due = selectors.add_working_days(friday, 2)
    assert due.weekday() == 1 and due.day == 10  # Tuesday


def test_only_an_active_member_sets_an_agreement(workspace, patient, gp, gp_membership):
    agreement = services.agreement_set(
        workspace=workspace, clinician=gp, reply_within_working_days=3, office_hours="Mon-Thu"
    )
    assert agreement.membership == gp_membership
    with pytest.raises(ValidationError):
        services.agreement_set(workspace=workspace, clinician=patient, reply_within_working_days=2)
    with pytest.raises(ValidationError):
        services.agreement_set(workspace=workspace, clinician=gp, reply_within_working_days=0)
    services.agreement_acknowledge(workspace=workspace, membership_id=gp_membership.pk, by=patient)
    agreement.refresh_from_db()
    assert agreement.acknowledged_at is not None
    # A changed agreement asks for a new acknowledgement.
    services.agreement_set(workspace=workspace, clinician=gp, reply_within_working_days=1)
    agreement.refresh_from_db()
    assert agreement.acknowledged_at is None
