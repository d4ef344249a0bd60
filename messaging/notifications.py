"""E-mail that a new message is waiting: content-free and batched.

Two halves:

* ``notices_record`` runs inside ``services.message_send``'s transaction. It upserts one
  ``PendingNotice`` row per other participant (one statement, ``INSERT ... ON CONFLICT
  (recipient) DO UPDATE``), so a burst of ten messages leaves one row per person, and the row
  exists exactly when the message does (a rollback records nothing).
* ``notifications_send_due`` is the periodic job (``messaging.tasks``; by hand:
  ``manage.py send_message_notifications``).
  It claims the rows that are due, deletes them in the same short transaction (PostgreSQL:
  ``SELECT ... FOR UPDATE SKIP LOCKED``, so two runs at once never claim the same row; SQLite:
  the transaction holds the database's write lock), and only then sends one e-mail per person.
  No lock is held while talking to the mail server, so a slow server never delays a message.

A row is due once no further message has come for ``MESSAGE_NOTIFY_DELAY_SECONDS`` (the
conversation has gone quiet) or, in a long lively exchange, ``MESSAGE_NOTIFY_MAX_WAIT_SECONDS``
after the first untold message. It is cleared without an e-mail when the person has read every
message that came since, has turned these e-mails off, or is no longer active.

The e-mail says only that a message is waiting, with a link to the messages page: no text, no
name, no thread, no workspace.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import language_of
from accounts.models import User
from messaging import selectors
from messaging.models import Message, PendingNotice, ReadMark
from reminders.models import Kind
from reminders.services import deliver_now

logger = logging.getLogger(__name__)

BATCH_SIZE = 200


def quiet_delay() -> timedelta:
    return timedelta(seconds=settings.MESSAGE_NOTIFY_DELAY_SECONDS)


def max_wait() -> timedelta:
    return timedelta(seconds=settings.MESSAGE_NOTIFY_MAX_WAIT_SECONDS)


def notices_record(*, recipient_ids: Iterable, at: datetime) -> None:
    """Note that each of ``recipient_ids`` has a new message at ``at``. One statement.

    Rows are written in primary-key order of the recipients, so two senders in different
    threads that share recipients take the row locks in the same order (no deadlock).
    """
    ids = sorted(set(recipient_ids), key=str)
    if not ids:
        return
    PendingNotice.objects.bulk_create(
        [PendingNotice(recipient_id=pk, first_message_at=at, last_message_at=at) for pk in ids],
        update_conflicts=True,
        unique_fields=["recipient"],
        update_fields=["last_message_at", "updated_at"],
    )


@dataclass
class NotifyRun:
    claimed: int = 0
    sent: int = 0
    already_read: int = 0
    not_wanted: int = 0
    failed: int = 0


def _due(now: datetime) -> Q:
    return Q(last_message_at__lte=now - quiet_delay()) | Q(first_message_at__lte=now - max_wait())


def _claim(now: datetime) -> list[PendingNotice]:
    """Take up to BATCH_SIZE due rows away from every other run (2 queries)."""
    with transaction.atomic():
        rows = list(
            PendingNotice.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_due(now))
            .select_related("recipient")
            .order_by("first_message_at", "pk")[:BATCH_SIZE]
        )
        if rows:
            PendingNotice.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return rows


def has_unread_since(user: User, since: datetime) -> bool:
    """Whether a message from someone else, sent at or after ``since``, is still unread by
    ``user`` in a thread they may read now (1 query)."""
    read = ReadMark.objects.filter(thread=OuterRef("thread"), user=user).values(
        "last_read_sequence"
    )[:1]
    return (
        Message.objects.filter(
            thread__in=selectors.threads_for_user(user),
            created_at__gte=since,
            removed_at__isnull=True,
        )
        .exclude(sender=user)
        .annotate(read=Coalesce(Subquery(read, output_field=IntegerField()), Value(0)))
        .filter(sequence__gt=F("read"))
        .exists()
    )


def messages_link(user: User) -> str:
    """The absolute address of the person's messages page (no ids in it)."""
    name = "clinician:inbox" if user.is_clinician else "patient:message_threads"
    return settings.SITE_URL + reverse(name)


def email_for(user: User) -> tuple[str, str]:
    """(subject, body) in the person's language. Says only that a message is waiting."""
    with translation.override(language_of(user)):
        subject = _("You have a new message")
        body = render_to_string(
            "messaging/notification_email.txt",
            {
                "link": messages_link(user),
                "account_link": settings.SITE_URL + reverse("accounts:profile"),
            },
        )
    return subject, body


def _wants_email(user: User) -> bool:
    return bool(user.is_active and user.email and user.message_notifications)


def notifications_send_due(*, now: datetime | None = None) -> NotifyRun:
    """Send one e-mail per person whose untold messages are due; safe to run at any time, and
    by two schedulers at once (each row is claimed by exactly one run).

    A person's row is deleted before their e-mail goes out. If sending fails the row is put
    back (with its first time), so the next run tries again; if the process dies between the
    two, that one e-mail is lost rather than sent twice.
    """
    now = now or timezone.now()
    run = NotifyRun()
    while True:
        rows = _claim(now)
        run.claimed += len(rows)
        failed_before = run.failed
        for row in rows:
            user = row.recipient
            if not _wants_email(user):
                run.not_wanted += 1
                continue
            if not has_unread_since(user, row.first_message_at):
                run.already_read += 1
                continue
            # Sent by the person's chosen channel (push or e-mail), or held until their quiet
            # hours end (reminders.services); logged in their reminder history either way.
            delivery = deliver_now(
                user, Kind.MESSAGE, key=f"since:{row.first_message_at.isoformat()}", now=now
            )
            if delivery is not None and delivery.status == delivery.Status.FAILED:
                logger.warning("message notification to user %s failed", user.pk)
                run.failed += 1
                _restore(row)
                continue
            run.sent += int(delivery is not None)
        # A full batch may leave more; a failure puts rows back, so stop rather than loop on them.
        if len(rows) < BATCH_SIZE or run.failed > failed_before:
            return run


def _restore(row: PendingNotice) -> None:
    """Put a claimed row back after a failed send, merging with any row written since."""
    PendingNotice.objects.bulk_create(
        [
            PendingNotice(
                recipient_id=row.recipient_id,
                first_message_at=row.first_message_at,
                last_message_at=row.last_message_at,
            )
        ],
        update_conflicts=True,
        unique_fields=["recipient"],
        update_fields=["first_message_at", "updated_at"],
    )
