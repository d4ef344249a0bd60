"""Writes for messaging: store first, publish after commit.

Every service is atomic and keyword-only, authorizes through ``messaging.selectors`` (which asks
``care.policies``), audits where a change matters to the record, and publishes small events
(ids and numbers only) with ``records.events.publish_many`` after the transaction commits. A rollback
therefore publishes nothing, and a channel-layer failure is logged, never raised: clients catch
up from the database by sequence number.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from alerts.models import Alert, AlertKind
from alerts.services import alert_resolve
from care import policies
from care.events import publish_workspace_event
from care.models import CareTeamMembership, Workspace
from guidance.services import guidance_record
from messaging import attachments, notifications, selectors
from messaging.models import (
    MESSAGE_MAX_LENGTH,
    Attachment,
    LiveSocket,
    Message,
    MessageRevision,
    Presence,
    ReadMark,
    ReplyAgreement,
    Thread,
)
from records.events import publish_many, user_group
from records.services import audit


def _publish_to_participants(thread: Thread, event: dict) -> None:
    publish_many((user_group(user_id) for user_id in selectors.participant_ids(thread)), event)


def _clean_body(body, *, may_be_empty: bool = False) -> str:
    if body is None:
        body = ""
    if not isinstance(body, str):
        raise ValidationError({"body": _("Please write your message as text.")})
    body = body.strip()
    if not body and not may_be_empty:
        raise ValidationError({"body": _("Please write something before sending.")})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("Messages can be at most %(limit)d characters long.")
                % {"limit": MESSAGE_MAX_LENGTH}
            }
        )
    return body


def _clean_client_id(client_id) -> UUID:
    try:
        return client_id if isinstance(client_id, UUID) else UUID(str(client_id))
    except (ValueError, TypeError, AttributeError):
        raise ValidationError({"client_id": _("The client id must be a UUID.")}) from None


# --- threads ---------------------------------------------------------------------------------


def team_threads_ensure(*, workspace_ids) -> None:
    """Make sure each workspace has its team thread (one INSERT, duplicates ignored)."""
    ids = list(workspace_ids)
    if not ids:
        return
    Thread.objects.bulk_create(
        [Thread(workspace_id=w, kind=Thread.Kind.TEAM) for w in ids], ignore_conflicts=True
    )


def team_thread_for(*, workspace: Workspace) -> Thread:
    team_threads_ensure(workspace_ids=[workspace.pk])
    return Thread.objects.get(workspace=workspace, kind=Thread.Kind.TEAM)


@transaction.atomic
def private_thread_open(*, workspace: Workspace, membership_id, by: User) -> Thread:
    """The patient opens (or reopens) a private thread with one active care-team member."""
    if not policies.is_owner(by, workspace):
        raise Http404
    try:
        membership = CareTeamMembership.objects.get(
            policies.membership_current(), pk=membership_id, workspace=workspace
        )
    except (CareTeamMembership.DoesNotExist, ValueError, ValidationError):
        raise ValidationError({"membership": _("Choose someone in your care team.")}) from None
    thread, created = Thread.objects.get_or_create(
        workspace=workspace, kind=Thread.Kind.PRIVATE, membership=membership
    )
    if created:
        audit(
            action="messaging.thread.opened",
            actor=by,
            workspace=workspace,
            thread=str(thread.pk),
            membership=str(membership.pk),
        )
    return thread


# --- messages --------------------------------------------------------------------------------


def message_send(
    *,
    thread,
    sender: User,
    body,
    client_id,
    files=(),
    time_spent: timedelta | None = None,
    stored: Callable[[Message], None] | None = None,
) -> tuple[Message, bool]:
    """Store a message once per client id and give it the thread's next sequence number.

    ``thread`` is a Thread or its id: participation is decided here, from the participants read
    under the thread's row lock (404 for a non-participant). ``files`` are uploaded files (at
    most ``ATTACHMENTS_PER_MESSAGE``), checked by content before the thread is locked; with at
    least one, the text may be empty. Returns (message, created). A retry with the same client
    id returns the stored message unchanged (its files are not stored again); the same id used
    by someone else is refused. On any failure nothing is stored: no row and no file.

    A new message also records a pending e-mail notice for the other participants
    (``messaging.notifications``), a clinician's answer resolves the reply-overdue alerts it
    ends, and a clinician's message counts as guidance time (``time_spent``: how long the form
    was open).

    Queries (PostgreSQL, text only): BEGIN, the thread's lock, participants (the authorization),
    client-id look-up, INSERT, thread UPDATE, the sender's read mark (1, or 3 the first time),
    the pending e-mail notices, COMMIT; a clinician's message adds its guidance-time entry and the
    reply-overdue check.

    ``stored`` (the live socket's) is called with a new message when the transaction commits,
    before the participants are told of it.
    """
    checked = attachments.check_uploads(files)
    body = _clean_body(body, may_be_empty=bool(checked))
    client_id = _clean_client_id(client_id)
    written: list[str] = []
    try:
        return _message_store(
            thread=thread,
            sender=sender,
            body=body,
            client_id=client_id,
            checked=checked,
            written=written,
            time_spent=time_spent,
            stored=stored,
        )
    except BaseException:
        # The transaction rolled back: the files written for it must go too.
        attachments.discard(written)
        raise


@transaction.atomic
def _message_store(
    *,
    thread,
    sender: User,
    body: str,
    client_id: UUID,
    checked: list[attachments.CheckedFile],
    written: list[str],
    time_spent: timedelta | None,
    stored: Callable[[Message], None] | None = None,
) -> tuple[Message, bool]:
    # The row lock serialises senders of one thread (PostgreSQL: SELECT ... FOR UPDATE OF the
    # thread row; SQLite: the IMMEDIATE transaction already holds the database's write lock).
    locked, participants = selectors.thread_locked_for_sender(sender, getattr(thread, "pk", thread))
    if not selectors.may_post(sender, locked):
        raise ValidationError(_("This person is no longer in your care team."))
    # Looked up after the lock is held (not in the locking query, whose snapshot is taken
    # before it waits): a retry racing the first send then finds the message it stored.
    existing = Message.objects.filter(thread=locked, client_id=client_id).first()
    if existing is not None:
        if existing.sender_id != sender.pk:
            raise ValidationError({"client_id": _("This client id is already in use.")})
        return existing, False
    now = timezone.now()
    sequence = locked.last_sequence + 1
    # No savepoint: under the row lock nobody else can take this sequence or client id, so the
    # unique constraints cannot fail here; if they ever did, the whole send rolls back.
    message = Message.objects.create(
        thread=locked, sequence=sequence, client_id=client_id, sender=sender, body=body
    )
    _attachments_store(message=message, checked=checked, written=written)
    if stored is not None:
        # Registered before the publish below, so it runs first when the transaction commits.
        transaction.on_commit(lambda: stored(message))
    locked.last_sequence = sequence
    locked.last_message_at = now
    update = ["last_sequence", "last_message_at", "updated_at"]
    answered = False
    if sender.is_patient:
        if locked.awaiting_reply_since is None:
            locked.awaiting_reply_since = now
            update.append("awaiting_reply_since")
    elif locked.awaiting_reply_since is not None:
        locked.awaiting_reply_since = None
        update.append("awaiting_reply_since")
        answered = True
    locked.save(update_fields=update)
    if answered:
        _reply_overdue_alerts_resolve(workspace_id=locked.workspace_id, by=sender, now=now)
    _mark_read(thread=locked, user=sender, sequence=sequence)
    if not sender.is_patient and participants.get(sender.pk) is not None:
        # The sender's current membership came with the participants (one query for both).
        guidance_record(
            clinician=sender,
            workspace_id=locked.workspace_id,
            kind="message",
            source=f"message:{message.pk}",
            time_spent=time_spent,
            at=now,
            membership_id=participants[sender.pk],
            new_act=True,
        )
    notifications.notices_record(
        recipient_ids=[pk for pk in participants if pk != sender.pk], at=now
    )
    event = {
        "type": "message.event",
        "kind": "created",
        "thread": str(locked.pk),
        "sequence": sequence,
    }
    publish_many((user_group(user_id) for user_id in participants), event)
    return message, True


def _reply_overdue_alerts_resolve(*, workspace_id, by: User, now) -> None:
    """An answer may end a reply-overdue alert: resolve each unresolved one of this workspace
    whose care relationship has no thread still overdue (1 query when there is none)."""
    alerts = list(
        Alert.objects.filter(
            workspace_id=workspace_id,
            kind=AlertKind.REPLY_OVERDUE,
            status__in=Alert.UNRESOLVED,
        )
    )
    if not alerts:
        return
    still = {
        o.membership_id
        for o in selectors.overdue_replies(
            now=now, threads=Thread.objects.filter(workspace_id=workspace_id)
        )
    }
    for alert in alerts:
        if alert.membership_id not in still:
            alert_resolve(alert=alert, by=by, note=_("Answered in messages."), count_time=False)


def _attachments_store(
    *, message: Message, checked: list[attachments.CheckedFile], written: list[str]
) -> None:
    """Rows first (one INSERT), then the files; every file written is listed in ``written`` so
    that the caller can delete it if the transaction does not commit."""
    if not checked:
        return
    rows = [
        Attachment(
            message=message,
            position=position,
            name=item.name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            storage_name=attachments.new_storage_name(),
        )
        for position, item in enumerate(checked)
    ]
    Attachment.objects.bulk_create(rows)
    for row, item in zip(rows, checked, strict=True):
        attachments.write(row.storage_name, item.data)
        written.append(row.storage_name)


def _own_message(*, thread: Thread, message_id, user: User) -> Message:
    try:
        message = Message.objects.select_for_update().get(pk=message_id, thread=thread)
    except (Message.DoesNotExist, ValueError, ValidationError):
        raise ValidationError({"message": _("This message is not in this conversation.")}) from None
    if message.sender_id != user.pk:
        raise ValidationError({"message": _("You can only change your own messages.")})
    if message.is_removed:
        raise ValidationError({"message": _("This message was removed.")})
    return message


@transaction.atomic
def message_edit(*, thread: Thread, message_id, by: User, body) -> Message:
    """Change one's own message; the previous text is kept as a revision."""
    body = _clean_body(body)
    selectors.thread_for_user(by, thread.pk)
    message = _own_message(thread=thread, message_id=message_id, user=by)
    if message.body == body:
        return message
    MessageRevision.objects.create(
        message=message, body=message.body, reason=MessageRevision.Reason.EDITED, changed_by=by
    )
    message.body = body
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "edited_at", "updated_at"])
    audit(
        action="messaging.message.edited",
        actor=by,
        workspace=thread.workspace,
        message=str(message.pk),
    )
    _publish_to_participants(
        thread,
        {
            "type": "message.event",
            "kind": "updated",
            "thread": str(thread.pk),
            "sequence": message.sequence,
        },
    )
    return message


@transaction.atomic
def message_remove(*, thread: Thread, message_id, by: User) -> Message:
    """Remove one's own message: the thread shows "message removed"; the text stays in the
    record as a revision (the patient's export holds it)."""
    selectors.thread_for_user(by, thread.pk)
    message = _own_message(thread=thread, message_id=message_id, user=by)
    MessageRevision.objects.create(
        message=message, body=message.body, reason=MessageRevision.Reason.REMOVED, changed_by=by
    )
    message.body = ""
    message.removed_at = timezone.now()
    message.save(update_fields=["body", "removed_at", "updated_at"])
    audit(
        action="messaging.message.removed",
        actor=by,
        workspace=thread.workspace,
        message=str(message.pk),
    )
    _publish_to_participants(
        thread,
        {
            "type": "message.event",
            "kind": "updated",
            "thread": str(thread.pk),
            "sequence": message.sequence,
        },
    )
    return message


# --- read receipts ---------------------------------------------------------------------------


def _mark_read(*, thread: Thread, user: User, sequence: int) -> bool:
    """Move the user's read mark forward to ``sequence``; one UPDATE when the mark exists."""
    moved = ReadMark.objects.filter(
        thread=thread, user=user, last_read_sequence__lt=sequence
    ).update(last_read_sequence=sequence, updated_at=timezone.now())
    if moved:
        return True
    mark, created = ReadMark.objects.get_or_create(
        thread=thread, user=user, defaults={"last_read_sequence": sequence}
    )
    if created:
        return True
    # Created by a concurrent request between the two statements: move it if still behind.
    return bool(
        ReadMark.objects.filter(pk=mark.pk, last_read_sequence__lt=sequence).update(
            last_read_sequence=sequence, updated_at=timezone.now()
        )
    )


@transaction.atomic
def thread_mark_read(*, thread, user: User, sequence=None) -> int:
    """Record that ``user`` has read up to ``sequence`` (default: everything). Never moves back;
    never past the last message. Tells the other participants (the sender sees "read").
    ``thread`` is a Thread or its id; participation is checked here (404 otherwise)."""
    fresh = selectors.thread_for_user(user, getattr(thread, "pk", thread))
    last = fresh.last_sequence
    if sequence is None:
        sequence = last
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 0:
        raise ValidationError({"sequence": _("The sequence must be a whole number.")})
    sequence = min(sequence, last)
    if sequence and _mark_read(thread=fresh, user=user, sequence=sequence):
        _publish_to_participants(
            fresh,
            {
                "type": "receipt.event",
                "thread": str(fresh.pk),
                "user": str(user.pk),
                "sequence": sequence,
            },
        )
    return sequence


# --- presence --------------------------------------------------------------------------------


def _presence_changed(user: User, online: bool) -> None:
    if not user.is_clinician:
        return
    for workspace_id in policies.workspaces_for_user(user).values_list("pk", flat=True):
        publish_workspace_event(
            workspace_id=workspace_id,
            kind="presence.changed",
            section=None,
            data={"user": str(user.pk), "online": online},
        )


@transaction.atomic
def live_socket_connect(*, user: User, session: str) -> LiveSocket | None:
    """A socket opens: it takes a slot of its session (``session``: the key's fingerprint) and,
    for a clinician, counts towards their presence, in one transaction. None (and nothing
    counted) when the session already holds ``LIVE_SOCKETS_PER_SESSION`` sockets still alive.

    The person's presence row is locked first, so two connects at once (in any processes) are
    counted one after the other and cannot both take the last slot. Only clinicians' presence
    is shown ("online", "last seen"), so a patient's socket takes the lock and counts nothing
    more."""
    presence, _created = Presence.objects.select_for_update().get_or_create(user=user)
    slot = _live_socket_take(user=user, session=session)
    if slot is None or not user.is_clinician:
        return slot
    was_online = presence.open_sockets > 0
    presence.open_sockets += 1
    presence.last_seen_at = slot.seen_at
    presence.save(update_fields=["open_sockets", "last_seen_at", "updated_at"])
    if not was_online:
        _presence_changed(user, True)
    return slot


@transaction.atomic
def presence_disconnect(*, user: User) -> None:
    presence, _created = Presence.objects.select_for_update().get_or_create(user=user)
    presence.open_sockets = max(0, presence.open_sockets - 1)
    presence.last_seen_at = timezone.now()
    presence.save(update_fields=["open_sockets", "last_seen_at", "updated_at"])
    if presence.open_sockets == 0:
        _presence_changed(user, False)


def presence_seen(*, user: User) -> None:
    Presence.objects.filter(user=user).update(last_seen_at=timezone.now())


# --- live sockets per session ----------------------------------------------------------------


def _live_socket_take(*, user: User, session: str) -> LiveSocket | None:
    """The slot itself; the caller holds the lock of the person's presence row."""
    now = timezone.now()
    alive_since = now - timedelta(seconds=settings.LIVE_SOCKET_SILENT_SECONDS)
    # Only sockets still alive count; the rows a dead process left behind are deleted by
    # ``live_sockets_prune`` (a periodic job), not on every connect.
    alive = LiveSocket.objects.filter(session=session, seen_at__gte=alive_since)
    if alive.count() >= settings.LIVE_SOCKETS_PER_SESSION:
        return None
    return LiveSocket.objects.create(user=user, session=session, seen_at=now)


def live_sockets_prune(*, now=None) -> int:
    """Delete the slots of sockets silent for longer than ``LIVE_SOCKET_SILENT_SECONDS`` (left
    by a process that died without closing them). They no longer count in any case."""
    alive_since = (now or timezone.now()) - timedelta(seconds=settings.LIVE_SOCKET_SILENT_SECONDS)
    deleted, _ = LiveSocket.objects.filter(seen_at__lt=alive_since).delete()
    return deleted


def live_socket_close(*, socket_id) -> None:
    """The socket closed: its slot is free at once."""
    LiveSocket.objects.filter(pk=socket_id).delete()


def live_socket_seen(*, socket_id) -> None:
    """A heartbeat: the socket is alive (and keeps counting against its session)."""
    LiveSocket.objects.filter(pk=socket_id).update(seen_at=timezone.now())


# --- reply agreements ------------------------------------------------------------------------


@transaction.atomic
def agreement_set(
    *, workspace: Workspace, clinician: User, reply_within_working_days, office_hours: str = ""
) -> ReplyAgreement:
    """The clinician states what the patient may expect; a change needs a new acknowledgement."""
    membership = policies.active_membership(clinician, workspace)
    if membership is None:
        raise ValidationError(_("Only an active member of the care team can set an agreement."))
    agreement, _created = ReplyAgreement.objects.select_for_update().get_or_create(
        membership=membership
    )
    agreement.reply_within_working_days = reply_within_working_days
    agreement.office_hours = (office_hours or "").strip()
    agreement.acknowledged_at = None
    agreement.full_clean()
    agreement.save(
        update_fields=[
            "reply_within_working_days",
            "office_hours",
            "acknowledged_at",
            "updated_at",
        ]
    )
    audit(
        action="messaging.agreement.set",
        actor=clinician,
        workspace=workspace,
        membership=str(membership.pk),
        days=agreement.reply_within_working_days,
    )
    return agreement


@transaction.atomic
def agreement_acknowledge(*, workspace: Workspace, membership_id, by: User) -> ReplyAgreement:
    if not policies.is_owner(by, workspace):
        raise Http404
    try:
        agreement = ReplyAgreement.objects.select_for_update().get(
            policies.membership_current("membership__"),
            membership_id=membership_id,
            membership__workspace=workspace,
        )
    except (ReplyAgreement.DoesNotExist, ValueError, ValidationError):
        raise ValidationError({"membership": _("There is no agreement to acknowledge.")}) from None
    agreement.acknowledged_at = timezone.now()
    agreement.save(update_fields=["acknowledged_at", "updated_at"])
    audit(
        action="messaging.agreement.acknowledged",
        actor=by,
        workspace=workspace,
        membership=str(agreement.membership_id),
    )
    return agreement
