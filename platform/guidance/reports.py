"""The service report's guidance time (docs/service-report.md): minutes clinicians spent on the
organisation's courses in the period, per row. One query."""

from __future__ import annotations

from collections import Counter

from care.reports import Period, ScopedCourse, by_workspace, course_for
from guidance.models import GuidanceEntry


def guidance_minutes(courses: list[ScopedCourse], period: Period) -> Counter:
    grouped = by_workspace(courses)
    minutes = Counter()
    rows = GuidanceEntry.objects.filter(
        occurred_at__gte=period.start,
        occurred_at__lt=period.end,
        workspace_id__in=list(grouped),
    ).values_list("workspace_id", "occurred_at", "minutes")
    for workspace_id, occurred_at, spent in rows:
        course = course_for(grouped, workspace_id, occurred_at)
        if course is not None:
            minutes[course.row] += spent
    return minutes
