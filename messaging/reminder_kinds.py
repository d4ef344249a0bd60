"""The new-message reminder. Told by messaging's own batched job (messaging/notifications.py)
through ``reminders.services.deliver_now``; one held by quiet hours is sent in the morning only
if a message is still unread."""

from __future__ import annotations

from datetime import datetime

from messaging import notifications
from reminders.kinds import KindSpec
from reminders.models import Kind


def _still_unread(deliveries, now) -> set:
    wanted = set()
    for delivery in deliveries:
        try:
            since = datetime.fromisoformat(delivery.key.removeprefix("since:"))
        except ValueError:
            continue
        if notifications.has_unread_since(delivery.user, since):
            wanted.add(delivery.pk)
    return wanted


KINDS = [
    KindSpec(
        kind=Kind.MESSAGE,
        target="patient:message_threads",
        still_due=_still_unread,
        email=notifications.email_for,
    )
]
