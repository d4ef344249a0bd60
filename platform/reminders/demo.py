"""Demo reminders for the demo patient: the check-in reminder on at 20:00, quiet hours from
22:00 to 07:00, and last week's reminders in the log. Idempotent."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from reminders.models import Delivery, Kind, QuietHours, Setting


def seed(*, users) -> None:
    patient = users["patient@example.org"]
    Setting.objects.get_or_create(
        user=patient,
        kind=Kind.CHECKIN,
        defaults={"enabled": True, "time_of_day": time(20, 0), "channel": "email"},
    )
    QuietHours.objects.get_or_create(user=patient, defaults={"start": time(22), "end": time(7)})
    now = timezone.now()
    for back in range(1, 6):
        sent = (now - timedelta(days=back)).replace(hour=19, minute=12, second=0, microsecond=0)
        done = back in (2, 4)  # they had checked in before the reminder came
        Delivery.objects.get_or_create(
            user=patient,
            kind=Kind.CHECKIN,
            key=f"day:{sent.date().isoformat()}",
            defaults={
                "scheduled_for": sent,
                "status": "skipped" if done else ("opened" if back == 1 else "sent"),
                "reason": "done" if done else "",
                "channel": "" if done else "email",
                "sent_at": None if done else sent,
                "opened_at": sent + timedelta(minutes=40) if back == 1 else None,
            },
        )
