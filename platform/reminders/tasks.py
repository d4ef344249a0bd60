"""Reminders as periodic jobs: planning, and sending in several lanes at once."""

from __future__ import annotations

from django_tasks import task

from jobs.schedules import every
from reminders import services


@every(seconds=300)
@task()
def plan() -> dict:
    run = services.plan()
    return {"planned": run.planned, "considered": run.considered}


@every(seconds=60, lanes="REMINDER_SEND_LANES")
@task()
def send_due() -> dict:
    run = services.send_due()
    return {"claimed": run.claimed, "sent": run.sent, "skipped": run.skipped, "failed": run.failed}
