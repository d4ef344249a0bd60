"""Housekeeping of the task engine itself."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from jobs.models import ScheduleFiring
from jobs.schedules import every

KEEP_DAYS = 7


@every(seconds=24 * 3600)
@task()
def prune() -> dict:
    """Forget firings and finished job results older than a week (idempotent)."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=KEEP_DAYS)
    firings, _ = ScheduleFiring.objects.filter(fired_at__lt=cutoff).delete()
    results, _ = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    return {"firings": firings, "results": results}


@every(seconds=24 * 3600)
@task()
def prune_idempotency_keys() -> dict:
    """Forget the keys of forms sent offline more than a week ago, everyone's (idempotent)."""
    from records import idempotency

    return {"pruned": idempotency.prune()}
