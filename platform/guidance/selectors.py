"""Reads of guidance time: per patient per month, and a clinician's month for service reports.

Months are calendar months in the service's time zone (``TIME_ZONE``). Callers authorize: the
patient overview and the summary ask ``care.policies`` first; a clinician's report covers only
their own entries and names only the patients whose care team they are in now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from uuid import UUID

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import User
from care import policies
from care.models import Workspace
from guidance.models import GuidanceEntry, GuidanceKind


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[start, end) of the calendar month holding ``month``, as aware datetimes."""
    first = month.replace(day=1)
    following = (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else (first.replace(month=first.month + 1))
    )
    return (
        timezone.make_aware(datetime.combine(first, time.min)),
        timezone.make_aware(datetime.combine(following, time.min)),
    )


@dataclass(frozen=True)
class MonthTotal:
    month: date
    mine: int
    team: int


def monthly_for_workspace(*, workspace: Workspace, clinician: User, months: int = 6) -> list:
    """The last ``months`` months with any time, newest first: the clinician's own minutes and the
    whole care team's (one query)."""
    rows = (
        GuidanceEntry.objects.filter(workspace=workspace)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(team=Sum("minutes"), mine=Sum("minutes", filter=Q(clinician=clinician)))
        .order_by("-month")[:months]
    )
    return [
        MonthTotal(
            month=row["month"].date() if isinstance(row["month"], datetime) else row["month"],
            mine=row["mine"] or 0,
            team=row["team"] or 0,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class WorkspaceTotals:
    this_month: int
    total: int
    mine_this_month: int


def totals_for_workspace(*, workspace: Workspace, clinician: User) -> WorkspaceTotals:
    """This month and all time for the care team, and this month for ``clinician`` (one query)."""
    start, end = month_bounds(timezone.localdate())
    this_month = Q(occurred_at__gte=start, occurred_at__lt=end)
    row = GuidanceEntry.objects.filter(workspace=workspace).aggregate(
        total=Sum("minutes"),
        this_month=Sum("minutes", filter=this_month),
        mine_this_month=Sum("minutes", filter=this_month & Q(clinician=clinician)),
    )
    return WorkspaceTotals(
        this_month=row["this_month"] or 0,
        total=row["total"] or 0,
        mine_this_month=row["mine_this_month"] or 0,
    )


def entries_for_membership(*, clinician: User, workspace: Workspace, limit: int = 100):
    """The clinician's own entries for this patient, newest first."""
    return GuidanceEntry.objects.filter(workspace=workspace, clinician=clinician)[:limit]


@dataclass
class ReportRow:
    workspace_id: UUID
    patient_name: str | None  # None: the clinician is no longer in this patient's care team
    minutes: int
    entries: int
    by_kind: dict[str, int]
    workspace: Workspace | None = None


def report_for_clinician(*, clinician: User, month: date) -> list[ReportRow]:
    """The clinician's minutes per patient in ``month`` (two queries, whatever the number of
    patients): one aggregate grouped by patient and kind, one for the names of the patients
    whose care team the clinician is in now."""
    start, end = month_bounds(month)
    rows = (
        GuidanceEntry.objects.filter(
            clinician=clinician, occurred_at__gte=start, occurred_at__lt=end
        )
        .values("workspace_id", "kind")
        .annotate(minutes=Sum("minutes"), entries=Count("id"))
        .order_by()
    )
    report: dict[UUID, ReportRow] = {}
    for row in rows:
        item = report.setdefault(
            row["workspace_id"],
            ReportRow(row["workspace_id"], None, 0, 0, dict.fromkeys(GuidanceKind.values, 0)),
        )
        item.minutes += row["minutes"]
        item.entries += row["entries"]
        item.by_kind[row["kind"]] += row["minutes"]
    if report:
        visible = {
            w.pk: w
            for w in policies.workspaces_for_user(clinician)
            .filter(pk__in=list(report))
            .select_related("patient")
        }
        for workspace_id, item in report.items():
            item.workspace = visible.get(workspace_id)
            item.patient_name = item.workspace.patient.full_name if item.workspace else None
    return sorted(
        report.values(),
        key=lambda r: (r.patient_name is None, (r.patient_name or "").lower(), str(r.workspace_id)),
    )
