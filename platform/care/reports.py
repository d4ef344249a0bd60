"""The service report's counts that belong to care: the courses of care in scope, and the first
steps of the funnel (docs/service-report.md).

Everything here is an aggregate for one organisation and one period, grouped by a *row*: the
course's team, or its lead clinician. Nothing returns a patient: the rows are team or clinician
ids, the values counts. Each function costs a fixed number of queries, whatever the number of
courses.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from accounts.models import Organisation
from care.models import Course, Invitation

BY_TEAM = "team"
BY_CLINICIAN = "clinician"
GROUPINGS = (BY_TEAM, BY_CLINICIAN)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # exclusive

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


@dataclass(frozen=True)
class ScopedCourse:
    """A course of the organisation that overlaps the period: ids and times, never a name."""

    id: object
    workspace_id: object
    row: object  # a team id, a clinician id, or None (no team / no lead)
    started_at: datetime
    ended_at: datetime | None
    ended_how: str
    number: int

    def covers(self, moment: datetime) -> bool:
        return self.started_at <= moment and (self.ended_at is None or moment < self.ended_at)


def _row_field(by: str) -> str:
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    return "team_id" if by == BY_TEAM else "lead_id"


def scope(organisation: Organisation, period: Period, by: str) -> list[ScopedCourse]:
    """Every course of the organisation that was open at some time in the period. One query."""
    field = _row_field(by)
    rows = (
        Course.objects.filter(organisation=organisation, started_at__lt=period.end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=period.start))
        .values_list("id", "workspace_id", field, "started_at", "ended_at", "ended_how", "number")
    )
    return [ScopedCourse(*row) for row in rows]


def course_for(courses_by_workspace: dict, workspace_id, moment: datetime) -> ScopedCourse | None:
    """The course of a workspace that was open at ``moment``."""
    for course in courses_by_workspace.get(workspace_id, ()):
        if course.covers(moment):
            return course
    return None


def by_workspace(courses: list[ScopedCourse]) -> dict:
    grouped: dict = {}
    for course in courses:
        grouped.setdefault(course.workspace_id, []).append(course)
    return grouped


def course_counts(courses: list[ScopedCourse], period: Period) -> dict[str, Counter]:
    """Courses started, ended (and discharged) in the period, per row. No query."""
    started, ended, discharged = Counter(), Counter(), Counter()
    for course in courses:
        if period.holds(course.started_at):
            started[course.row] += 1
        if period.holds(course.ended_at):
            ended[course.row] += 1
            if course.ended_how == Course.EndedHow.DISCHARGED:
                discharged[course.row] += 1
    return {"courses_started": started, "courses_ended": ended, "discharged": discharged}


def invitation_counts(organisation: Organisation, period: Period, by: str) -> dict[str, Counter]:
    """Patients invited in the period, and invitations accepted (accounts activated) in it,
    per row of the inviting clinician. Two queries."""
    field = "invited_by__team_id" if by == BY_TEAM else "invited_by_id"
    mine = Invitation.objects.filter(invited_by__organisation=organisation)
    invited = Counter(
        mine.filter(created_at__gte=period.start, created_at__lt=period.end).values_list(
            field, flat=True
        )
    )
    activated = Counter(
        mine.filter(accepted_at__gte=period.start, accepted_at__lt=period.end).values_list(
            field, flat=True
        )
    )
    return {"invited": invited, "activated": activated}
