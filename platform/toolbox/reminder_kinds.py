"""The daily check-in reminder: sent only if the day's check-in is not made yet."""

from __future__ import annotations

from reminders.kinds import KindSpec
from reminders.models import Kind
from reminders.preferences import zone_of
from toolbox.models import CheckIn


def _still_due(deliveries, now) -> set:
    local_days = {d.pk: now.astimezone(zone_of(d.user)).date() for d in deliveries}
    done = set(
        CheckIn.objects.filter(
            workspace__patient_id__in=[d.user_id for d in deliveries],
            day__in=set(local_days.values()),
        ).values_list("workspace__patient_id", "day")
    )
    return {d.pk for d in deliveries if (d.user_id, local_days[d.pk]) not in done}


KINDS = [KindSpec(kind=Kind.CHECKIN, target="patient:checkin_today", still_due=_still_due)]
