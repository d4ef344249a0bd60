"""The batched "you have a new message" notices as a periodic job (docs/messaging.md)."""

from __future__ import annotations

from django_tasks import task

from jobs.schedules import every
from messaging.notifications import notifications_send_due


@every(seconds=60)
@task()
def message_notifications() -> dict:
    """Tell each person whose untold messages are due, once (rows are claimed, so two workers
    never tell the same person twice)."""
    run = notifications_send_due()
    return {"claimed": run.claimed, "sent": run.sent, "failed": run.failed}


@every(seconds=600)
@task()
def live_sockets_prune() -> dict:
    """Forget the slots of live sockets that fell silent (a process died without closing them)."""
    from messaging.services import live_sockets_prune as prune

    return {"pruned": prune()}
