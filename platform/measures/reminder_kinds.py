"""The questionnaire reminder: a due questionnaire (a ``measures.Reminder`` occurrence planned
by ``reminders_send``) is told at the person's chosen time; the occurrence's own log follows."""

from __future__ import annotations

from django.utils import timezone

from measures.models import Reminder
from records.services import audit
from reminders.kinds import KindSpec
from reminders.models import Kind


def _pending(now):
    return Reminder.objects.filter(status=Reminder.Status.SCHEDULED).values_list(
        "workspace__patient_id", "pk"
    )


def _open_occurrences(deliveries) -> set:
    keys = [d.key for d in deliveries]
    still = {
        str(pk)
        for pk in Reminder.objects.filter(
            pk__in=[k for k in keys if len(k) == 36], status=Reminder.Status.SCHEDULED
        ).values_list("pk", flat=True)
    }
    return {d.pk for d in deliveries if d.key in still}


def _still_due(deliveries, now) -> set:
    return _open_occurrences(deliveries)


def _sent(deliveries) -> None:
    now = timezone.now()
    for occurrence in Reminder.objects.filter(
        pk__in=[d.key for d in deliveries], status=Reminder.Status.SCHEDULED
    ).select_related("workspace"):
        occurrence.status = Reminder.Status.SENT
        occurrence.sent_at = now
        occurrence.save(update_fields=["status", "sent_at", "updated_at"])
        audit(
            action="measures.reminder.sent",
            actor=None,
            workspace=occurrence.workspace,
            reminder=str(occurrence.pk),
        )


KINDS = [
    KindSpec(
        kind=Kind.QUESTIONNAIRE,
        target="patient:measures",
        pending=lambda now: ((user_id, str(pk)) for user_id, pk in _pending(now)),
        still_due=_still_due,
        on_sent=_sent,
    )
]
