"""Reads for messaging. Who may take part in a thread is decided here from ``care.policies``.

Participants of a thread (decided for this platform; the issue leaves section consent out):

* the patient who owns the workspace, always (it is their record);
* in the team thread, every clinician with an *active* care-team membership;
* in a private thread, only the clinician of that thread's membership, while it is active.

Messaging needs no section consent: being in the active care team is enough, because talking
with the team is the reason for being in it. A member whose membership ends, or whose account
is deactivated, stops being a participant at once (every check reads the membership row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from care import policies
from care.models import CareTeamMembership, Workspace
from care.policies import membership_current
from messaging.models import Attachment, Message, Presence, ReadMark, ReplyAgreement, Thread

PAGE_SIZE = 50
# Working days a patient may expect to wait for a reply when the clinician has set no agreement.
DEFAULT_REPLY_DAYS = 2
ONLINE_WINDOW = timedelta(minutes=2)


def _usable(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def threads_for_user(user) -> QuerySet[Thread]:
    """Every thread this user may read (lists filter through this)."""
    if not _usable(user):
        return Thread.objects.none()
    workspaces = policies.workspaces_for_user(user)
    qs = Thread.objects.filter(workspace__in=workspaces)
    if user.is_patient:
        return qs
    return qs.filter(
        Q(kind=Thread.Kind.TEAM)
        | Q(
            policies.membership_current("membership__"),
            kind=Thread.Kind.PRIVATE,
            membership__clinician=user,
        )
    )


def thread_for_user(user, thread_id: UUID | str, *, for_update: bool = False) -> Thread:
    """Fetch-and-authorize one thread: 404 for anyone who is not a participant.

    ``for_update`` also locks the thread row (not the joined rows) until the transaction ends,
    so authorization and the lock are one query.
    """
    qs = threads_for_user(user).select_related("workspace", "membership__clinician")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=thread_id)
    except (Thread.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def thread_locked_for_sender(user, thread_id: UUID | str) -> tuple[Thread, dict]:
    """The send path's fetch-authorize-and-lock: the thread, locked until the transaction ends,
    and its current participants (``participants``), or 404 for anyone who is not one of them.

    Two simple queries instead of ``thread_for_user(for_update=True)``'s one complex query plus
    the participants query the send needs anyway: the thread row is locked by its id, then the
    participants are read under the lock and the user must be among them. The rule is the
    same (the patient who owns the workspace; a clinician with a current membership of it, or
    of the private thread), read from ``care.policies.membership_current``."""
    if not _usable(user):
        raise Http404
    try:
        thread = (
            Thread.objects.select_for_update(of=("self",))
            .select_related("workspace", "membership")
            .get(pk=thread_id)
        )
    except (Thread.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    found = participants(thread)
    if user.pk not in found:
        raise Http404
    return thread, found


def attachment_for_user(user, thread_id, attachment_id) -> tuple[Thread, Attachment]:
    """Fetch-and-authorize one attachment of one thread: 404 for anyone who is not a current
    participant. An attachment of a removed message is hidden from the thread; only the patient
    whose record it is can still fetch it (from their data export)."""
    thread = thread_for_user(user, thread_id)
    try:
        attachment = Attachment.objects.select_related("message").get(
            pk=attachment_id, message__thread=thread
        )
    except (Attachment.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if attachment.message.is_removed and not policies.is_owner(user, thread.workspace):
        raise Http404
    return thread, attachment


def readable_messages(user, thread_id) -> QuerySet[Message]:
    """Messages of one thread, filtered in the same query by the user's participation: a user
    who may not (or no longer) read the thread gets an empty result, never an error.

    This is what the live socket reads on every event, so a member removed since the socket
    last re-checked access gets nothing even before ``access.changed`` reaches the socket.
    """
    return Message.objects.filter(
        thread_id=thread_id, thread__in=threads_for_user(user).values("pk")
    ).select_related("sender")


def readable_payloads(messages: QuerySet[Message]) -> list[dict]:
    """The payloads of ``messages`` (a sliced query from ``readable_messages``), in its order:
    one query, and one more for the files only when some of them carry files."""
    from messaging.payloads import message_payload

    rows = list(
        messages.annotate(has_files=Exists(Attachment.objects.filter(message=OuterRef("pk"))))
    )
    files: dict = {}
    with_files = [m.pk for m in rows if m.has_files and not m.is_removed]
    if with_files:
        for attachment in Attachment.objects.filter(message__in=with_files).order_by(
            "message", "position"
        ):
            files.setdefault(attachment.message_id, []).append(attachment)
    return [message_payload(m, attachments=files.get(m.pk, [])) for m in rows]


def may_post(user, thread: Thread) -> bool:
    """Reading a private thread stays possible for the patient after the member left; posting
    needs every participant to be current."""
    if thread.kind == Thread.Kind.PRIVATE:
        return thread.membership.is_active
    return True


def participants(thread: Thread) -> dict:
    """Everyone who may currently read this thread: user id -> their care-team membership id
    (None for the patient). One query."""
    found = {thread.workspace.patient_id: None}
    members = CareTeamMembership.objects.filter(
        policies.membership_current(),
        workspace_id=thread.workspace_id,
        clinician__is_active=True,
    )
    if thread.kind == Thread.Kind.PRIVATE:
        members = members.filter(pk=thread.membership_id)
    found.update(members.values_list("clinician_id", "pk"))
    return found


def participant_ids(thread: Thread) -> list:
    """User ids of everyone who may currently read this thread (for publishing)."""
    return list(participants(thread))


def messages_for_thread(
    *,
    thread: Thread,
    after: int | None = None,
    before: int | None = None,
    limit: int | None = None,
) -> list[Message]:
    """Keyset pages by sequence: ``after`` gives the next ``limit`` in ascending order (catch-up);
    ``before`` (or nothing) gives the latest ``limit`` before it, returned ascending.

    Queries: 2 (messages with their senders; their attachments), whatever the page size.
    """
    limit = limit or PAGE_SIZE
    qs = (
        Message.objects.filter(thread=thread)
        .select_related("sender")
        .prefetch_related("attachments")
    )
    if after is not None:
        return list(qs.filter(sequence__gt=after).order_by("sequence")[:limit])
    if before is not None:
        qs = qs.filter(sequence__lt=before)
    return list(reversed(qs.order_by("-sequence")[:limit]))


def _unread_subquery(user):
    # One read mark per (thread, user): no order needed (the model's default order would join
    # the thread and the user to every thread's look-up).
    read = (
        ReadMark.objects.filter(thread=OuterRef("pk"), user=user)
        .order_by()
        .values("last_read_sequence")
    )
    return Coalesce(Subquery(read[:1], output_field=IntegerField()), Value(0))


def threads_with_counts(user) -> QuerySet[Thread]:
    """Threads annotated with ``read_sequence`` and ``unread`` (others' messages after it).

    Queries: 1, whatever the number of threads.
    """
    unread = (
        Message.objects.filter(thread=OuterRef("pk"), removed_at__isnull=True)
        .exclude(sender=user)
        .filter(sequence__gt=OuterRef("read_sequence"))
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        threads_for_user(user)
        .select_related("workspace__patient", "membership__clinician")
        .annotate(read_sequence=_unread_subquery(user))
        .annotate(unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))
    )


def read_sequences(thread: Thread) -> dict:
    """user id -> highest sequence read, for the participants of one thread."""
    return dict(ReadMark.objects.filter(thread=thread).values_list("user_id", "last_read_sequence"))


def agreements_for_workspace(*, workspace: Workspace) -> list[ReplyAgreement]:
    return list(
        ReplyAgreement.objects.filter(
            membership_current("membership__"),
            membership__workspace=workspace,
        ).select_related("membership__clinician")
    )


def agreement_for_membership(membership_id) -> ReplyAgreement | None:
    return ReplyAgreement.objects.filter(membership_id=membership_id).first()


def add_working_days(start: datetime, days: int) -> datetime:
    """``start`` moved forward by ``days`` working days (Monday to Friday)."""
    moment = start
    remaining = days
    while remaining > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    return moment


def reply_due(*, since: datetime | None, agreement: ReplyAgreement | None) -> datetime | None:
    if since is None:
        return None
    days = agreement.reply_within_working_days if agreement else DEFAULT_REPLY_DAYS
    return add_working_days(since, days)


# The shortest possible agreement is one working day, so nothing younger can be overdue.
_YOUNGEST_OVERDUE = timedelta(days=1)


@dataclass(frozen=True)
class OverdueReply:
    workspace_id: UUID
    membership_id: UUID
    message_id: UUID


def overdue_replies(
    *, now: datetime, threads: QuerySet[Thread] | None = None
) -> list[OverdueReply]:
    """Every (care relationship, oldest unanswered patient message) whose agreed reply time
    (``ReplyAgreement.reply_within_working_days``, 2 working days when none is set) has passed.

    In the team thread every active member's own agreement counts; in a private thread only
    that member's. ``threads`` narrows the search (default: all).

    Queries: 2, whatever the number of workspaces (threads awaiting a reply with their oldest
    unanswered patient message; the active memberships of those workspaces with agreements).
    """
    oldest = (
        Message.objects.filter(
            thread=OuterRef("pk"),
            sender_id=OuterRef("workspace__patient_id"),
            created_at__gte=OuterRef("awaiting_reply_since"),
        )
        .order_by("sequence")
        .values("pk")[:1]
    )
    waiting = (threads if threads is not None else Thread.objects.all()).filter(
        awaiting_reply_since__isnull=False, awaiting_reply_since__lte=now - _YOUNGEST_OVERDUE
    )
    rows = list(
        waiting.annotate(oldest=Subquery(oldest)).values_list(
            "workspace_id", "kind", "membership_id", "awaiting_reply_since", "oldest"
        )
    )
    if not rows:
        return []
    members: dict = {}
    for pk, workspace_id, days in CareTeamMembership.objects.filter(
        membership_current(),
        workspace_id__in=Subquery(waiting.values("workspace_id")),
        clinician__is_active=True,
    ).values_list("pk", "workspace_id", "reply_agreement__reply_within_working_days"):
        members.setdefault(workspace_id, []).append((pk, days or DEFAULT_REPLY_DAYS))
    found = []
    for workspace_id, kind, thread_membership_id, since, message_id in rows:
        if message_id is None:
            continue
        for membership_id, days in members.get(workspace_id, []):
            if kind == Thread.Kind.PRIVATE and membership_id != thread_membership_id:
                continue
            if add_working_days(since, days) < now:
                found.append(OverdueReply(workspace_id, membership_id, message_id))
    return found


@dataclass(frozen=True)
class PresenceView:
    online: bool
    last_seen_at: datetime | None


def presence_for_users(user_ids) -> dict:
    """user id -> PresenceView. Online means an open socket seen in the last two minutes."""
    now = timezone.now()
    result = {}
    for row in Presence.objects.filter(user_id__in=list(user_ids)):
        online = bool(
            row.open_sockets and row.last_seen_at and now - row.last_seen_at < ONLINE_WINDOW
        )
        result[row.user_id] = PresenceView(online=online, last_seen_at=row.last_seen_at)
    return result


def unread_by_workspace(workspace_ids, clinician) -> dict:
    """One query: the clinician's unread count per workspace."""
    rows = (
        threads_with_counts(clinician)
        .filter(workspace_id__in=list(workspace_ids))
        .values("workspace_id")
        .annotate(total=Sum("unread"))
        .values_list("workspace_id", "total")
    )
    return {workspace_id: total for workspace_id, total in rows if total}
