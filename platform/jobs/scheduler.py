"""Fire each periodic job once per time slot, however many schedulers run.

A slot is the interval's share of the clock since the Unix epoch (every 300 s: 10:00:00,
10:05:00, ...). ``tick`` inserts one ``ScheduleFiring`` row per schedule and slot and enqueues
the job in the same transaction (the database task backend writes its row there too). Two
schedulers on two machines racing for a slot both try the insert; the unique constraint lets
exactly one through, and the loser's transaction, enqueue included, rolls back. A scheduler
that was down for a while does not fire the slots it missed: the jobs look at the clock, not at
the slot, so the next one catches up.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from jobs.models import ScheduleFiring
from jobs.schedules import Schedule, schedules

logger = logging.getLogger(__name__)


def slot_start(now: datetime, seconds: int) -> datetime:
    stamp = int(now.timestamp())
    return datetime.fromtimestamp(stamp - stamp % seconds, tz=UTC)


def fire(schedule: Schedule, now: datetime) -> bool:
    """Enqueue ``schedule``'s job for the slot ``now`` falls in, unless it was already."""
    slot = slot_start(now, schedule.seconds)
    try:
        with transaction.atomic():
            ScheduleFiring.objects.create(schedule=schedule.name, slot=slot)
            for _lane in range(schedule.lane_count):
                schedule.task.enqueue()
    except IntegrityError:
        return False
    logger.info("fired %s for %s", schedule.name, slot.isoformat())
    return True


def tick(now: datetime | None = None) -> list[str]:
    """Fire every schedule whose current slot has not been fired. The names fired."""
    now = now or timezone.now()
    return [schedule.name for schedule in schedules() if fire(schedule, now)]


def health(now: datetime | None = None) -> str:
    """For monitoring: "ok" while the safety rules were fired within three of their intervals
    and no job has waited more than five minutes for a worker; "late" otherwise ("not started"
    before the first firing). Content-free."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    safety = next((s for s in schedules() if s.name == "alerts.tasks.safety_rules"), None)
    if safety is None:
        return "not started"
    last = (
        ScheduleFiring.objects.filter(schedule=safety.name)
        .order_by("-slot")
        .values_list("fired_at", flat=True)
        .first()
    )
    if last is None:
        return "not started"
    waiting = DBTaskResult.objects.filter(
        status="READY", enqueued_at__lt=now - timedelta(minutes=5)
    ).exists()
    stale = last < now - timedelta(seconds=3 * safety.seconds)
    return "late" if waiting or stale else "ok"
