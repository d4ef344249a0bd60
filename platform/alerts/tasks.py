"""The safety rules as a periodic job (docs/background-jobs.md)."""

from __future__ import annotations

from django_tasks import task

from alerts.rules import run_rules
from care.services import covers_run
from jobs.schedules import every


@every(seconds="ALERT_RULES_INTERVAL_SECONDS")
@task()
def safety_rules() -> dict:
    """Start and end covers first (so a colleague who has just started covering is escalated
    to at once), then the alert rules and the escalation of unacknowledged urgent alerts.
    Idempotent: both halves are safe to run twice and by two workers at once."""
    covers = covers_run()
    report = run_rules()
    return {
        "covers_started": covers.started,
        "covers_ended": covers.ended,
        "raised": report.raised,
        "escalated": report.escalated,
        "failed": len(report.failed),
    }
