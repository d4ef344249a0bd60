"""The service report's outcomes (docs/service-report.md): for the courses that ended in the
period, how many have paired measures, how many were at caseness at the start, and how many
recovered, reliably improved, reliably deteriorated or reliably recovered, by the NHS Talking
Therapies definitions in :mod:`measures.outcomes`. Counts per row; three queries whatever the
number of courses."""

from __future__ import annotations

from collections import Counter

from care.models import Course
from care.reports import Period, ScopedCourse
from measures.models import Response
from measures.outcomes import GAD7, PHQ9, Scored, outcome_from_responses, window_end

OUTCOME_KEYS = (
    "paired",
    "caseness",
    "recovered",
    "reliable_improvement",
    "reliable_deterioration",
    "reliable_recovery",
)


def outcome_counts(courses: list[ScopedCourse], period: Period) -> dict[str, Counter]:
    ending = [c for c in courses if period.holds(c.ended_at)]
    counts: dict[str, Counter] = {key: Counter() for key in OUTCOME_KEYS}
    if not ending:
        return counts
    workspace_ids = list({c.workspace_id for c in ending})
    starts: dict = {}
    for workspace_id, started_at in Course.objects.filter(
        workspace_id__in=workspace_ids
    ).values_list("workspace_id", "started_at"):
        starts.setdefault(workspace_id, []).append(started_at)
    scored: dict = {}
    for workspace_id, instrument, total, completed_at in Response.objects.filter(
        workspace_id__in=workspace_ids,
        instrument__in=[PHQ9, GAD7],
        status=Response.Status.COMPLETED,
        total__isnull=False,
    ).values_list("workspace_id", "instrument", "total", "completed_at"):
        scored.setdefault(workspace_id, []).append(Scored(instrument, total, completed_at))
    for course in ending:
        until = window_end(course.started_at, course.ended_at, starts.get(course.workspace_id, ()))
        result = outcome_from_responses(
            s
            for s in scored.get(course.workspace_id, ())
            if course.started_at <= s.completed_at < until
        )
        if not result.enough_data:
            continue
        row = course.row
        counts["paired"][row] += 1
        if result.caseness_baseline:
            counts["caseness"][row] += 1
        if result.recovered:
            counts["recovered"][row] += 1
        if result.reliable_improvement:
            counts["reliable_improvement"][row] += 1
        if result.reliable_deterioration:
            counts["reliable_deterioration"][row] += 1
        if result.reliable_recovery:
            counts["reliable_recovery"][row] += 1
    return counts
