"""The service report's safety figures (docs/service-report.md): risk alerts raised in the
period for the organisation's courses, how long they took to be acknowledged, and how many
escalated. Per row; one query whatever the number of alerts."""

from __future__ import annotations

from collections import Counter

from alerts.models import Alert, AlertKind
from care.reports import Period, ScopedCourse, by_workspace, course_for

RISK_KINDS = (AlertKind.RISK, AlertKind.SEVERE_SCORE, AlertKind.FORUM)


def safety_counts(courses: list[ScopedCourse], period: Period) -> dict:
    """``risk_alerts`` and ``escalations`` (Counters per row) and ``ack_minutes`` (per row, the
    minutes from each alert to its acknowledgement)."""
    grouped = by_workspace(courses)
    alerts, escalated = Counter(), Counter()
    ack_minutes: dict = {}
    rows = Alert.objects.filter(
        kind__in=RISK_KINDS,
        created_at__gte=period.start,
        created_at__lt=period.end,
        workspace_id__in=list(grouped),
    ).values_list("workspace_id", "created_at", "acknowledged_at", "escalation_level")
    for workspace_id, created_at, acknowledged_at, level in rows:
        course = course_for(grouped, workspace_id, created_at)
        if course is None:
            continue
        alerts[course.row] += 1
        if level:
            escalated[course.row] += 1
        if acknowledged_at is not None:
            minutes = (acknowledged_at - created_at).total_seconds() / 60
            ack_minutes.setdefault(course.row, []).append(minutes)
    return {"risk_alerts": alerts, "escalations": escalated, "ack_minutes": ack_minutes}
