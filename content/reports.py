"""The service report's programme steps (docs/service-report.md): of the courses that started
in the period, how many started the programme and how many completed some modules. Counts per
row only; two queries whatever the number of courses."""

from __future__ import annotations

from collections import Counter, defaultdict

from care.reports import Period, ScopedCourse, by_workspace, course_for
from content.models import Page, PageProgress

# "Completed N modules": a module is complete when every one of its current pages is.
MODULES_FOR_ENGAGED = 2


def programme_counts(courses: list[ScopedCourse], period: Period) -> dict[str, Counter]:
    cohort = [c for c in courses if period.holds(c.started_at)]
    started, engaged = Counter(), Counter()
    if not cohort:
        return {"started_programme": started, "completed_modules": engaged}
    grouped = by_workspace(cohort)
    pages_in_module = Counter(
        Page.objects.filter(retired=False, module__retired=False).values_list(
            "module_id", flat=True
        )
    )
    progress = PageProgress.objects.filter(
        enrolment__workspace_id__in=list(grouped), page__retired=False
    ).values_list("enrolment__workspace_id", "page__module_id", "visited_at", "completed_at")
    visited: set = set()
    done: dict = defaultdict(Counter)  # course id -> module id -> completed pages
    for workspace_id, module_id, visited_at, completed_at in progress:
        course = course_for(grouped, workspace_id, visited_at)
        if course is not None:
            visited.add(course.id)
        if completed_at is not None:
            course = course_for(grouped, workspace_id, completed_at)
            if course is not None:
                done[course.id][module_id] += 1
    for course in cohort:
        if course.id in visited:
            started[course.row] += 1
        complete = sum(
            1
            for module_id, count in done[course.id].items()
            if count >= pages_in_module.get(module_id, 0) > 0
        )
        if complete >= MODULES_FOR_ENGAGED:
            engaged[course.row] += 1
    return {"started_programme": started, "completed_modules": engaged}
