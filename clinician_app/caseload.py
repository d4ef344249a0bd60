"""The caseload page's rows: who needs attention, what is shared, contributed columns.

Assembled here (the face) from care (memberships, consent), alerts (counts, cadence) and the
columns other capabilities register. The number of queries does not depend on the number of
patients: 2 (memberships, consent) + 1 (alert counts) + 1 (cadences) + 1 per column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alerts import selectors as alert_selectors
from care import selectors
from care.models import CareTeamMembership, Workspace
from care.sections import Section
from clinician_app.caseload_columns import Column, columns

NOT_SHARED = object()
PAGE_SIZE = 100  # rows per caseload page (the page and the API)


class Attention:
    URGENT = 0
    REVIEW_OVERDUE = 1
    INACTIVE = 2
    OPEN_ALERTS = 3
    NONE = 4

    LABELS = {
        URGENT: _("Urgent alert"),
        REVIEW_OVERDUE: _("Review overdue"),
        INACTIVE: _("Gone quiet"),
        OPEN_ALERTS: _("Open alert"),
        NONE: "",
    }


FILTERS = {
    "all": _("Everyone"),
    "attention": _("Needs attention"),
    "urgent": _("Urgent alerts"),
    "review": _("Review due or overdue"),
    "inactive": _("Gone quiet"),
}
SORTS = {
    "attention": _("Needs attention first"),
    "name": _("Name"),
    "activity": _("Least recently active first"),
    "review": _("Next review first"),
}


@dataclass
class Recency:
    css: str
    text: str


@dataclass
class Row:
    workspace: Workspace
    membership: CareTeamMembership
    shared: frozenset
    last_activity_at: datetime | None
    recency: Recency | None  # None: progress not shared
    inactive: bool
    next_review_on: date | None
    review_due: bool
    review_overdue: bool
    open_alerts: int
    urgent_alerts: int
    attention: int
    cells: list = field(default_factory=list)

    @property
    def attention_label(self) -> str:
        return Attention.LABELS[self.attention]


def recency_of(last: datetime | None, since: datetime, threshold: int, now: datetime) -> Recency:
    """Colour class AND words: the colour is never the only signal."""
    if last is None:
        days = (now - since).days
        if days > threshold:
            return Recency(
                "recency-inactive",
                ngettext(
                    "Not started, invited %(n)d day ago",
                    "Not started, invited %(n)d days ago",
                    days,
                )
                % {"n": days},
            )
        return Recency("recency-none", str(_("Not started yet")))
    days = (now - last).days
    if days > threshold:
        text = ngettext("Quiet for %(n)d day", "Quiet for %(n)d days", days) % {"n": days}
        return Recency("recency-inactive", text)
    if days == 0:
        return Recency("recency-recent", str(_("Active today")))
    text = ngettext("Active %(n)d day ago", "Active %(n)d days ago", days) % {"n": days}
    return Recency("recency-recent" if days <= 2 else "recency-quiet", text)


def _attention(row: Row) -> int:
    if row.urgent_alerts:
        return Attention.URGENT
    if row.review_overdue:
        return Attention.REVIEW_OVERDUE
    if row.inactive:
        return Attention.INACTIVE
    if row.open_alerts:
        return Attention.OPEN_ALERTS
    return Attention.NONE


def _matches(row: Row, show: str) -> bool:
    return {
        "all": True,
        "attention": row.attention != Attention.NONE,
        "urgent": row.urgent_alerts > 0,
        "review": row.review_due,
        "inactive": row.inactive,
    }[show]


def _sort_key(sort: str):
    far = date.max
    oldest = datetime.min.replace(tzinfo=timezone.get_current_timezone())

    def name(row: Row):
        return row.workspace.patient.full_name.lower()

    return {
        "attention": lambda r: (r.attention, name(r)),
        "name": name,
        # Unshared activity sorts last: the clinician may not know it.
        "activity": lambda r: (
            r.recency is None,
            r.last_activity_at or oldest,
            name(r),
        ),
        "review": lambda r: (r.next_review_on or far, name(r)),
    }[sort]


def _cells(rows: list[Row], clinician, cols: list[Column]) -> None:
    for column in cols:
        if column.section is None:
            ids = [r.workspace.pk for r in rows]
        else:
            ids = [r.workspace.pk for r in rows if column.section in r.shared]
        values = column.loader(ids, clinician) if ids else {}
        for row in rows:
            if column.section is not None and column.section not in row.shared:
                row.cells.append((column, NOT_SHARED))
            else:
                row.cells.append((column, values.get(row.workspace.pk)))


def _all_rows(*, clinician, now: datetime | None = None) -> list[Row]:
    """One row per active patient of ``clinician``, without the contributed cells."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    base = selectors.caseload_for_clinician(clinician=clinician)
    counts = alert_selectors.alert_counts_for_clinician(clinician=clinician)
    cadences = alert_selectors.cadences_for_clinician(clinician=clinician)
    rows = []
    for b in base:
        cadence = cadences[b.membership.pk]
        counts_here = counts.get(b.workspace.pk)
        progress = Section.PROGRESS in b.shared
        since = b.membership.started_at or b.membership.created_at
        recency = (
            recency_of(b.last_activity_at, since, cadence.inactivity_days, now)
            if progress
            else None
        )
        row = Row(
            workspace=b.workspace,
            membership=b.membership,
            shared=b.shared,
            last_activity_at=b.last_activity_at if progress else None,
            recency=recency,
            inactive=bool(recency and recency.css == "recency-inactive"),
            next_review_on=cadence.next_review_on,
            review_due=bool(cadence.next_review_on and cadence.next_review_on <= today),
            review_overdue=bool(cadence.next_review_on and cadence.next_review_on < today),
            open_alerts=counts_here.open if counts_here else 0,
            urgent_alerts=counts_here.urgent if counts_here else 0,
            attention=Attention.NONE,
        )
        row.attention = _attention(row)
        rows.append(row)
    return rows


def caseload_rows(
    *,
    clinician,
    show: str = "all",
    sort: str = "attention",
    now: datetime | None = None,
    cells: bool = True,
) -> tuple[list[Row], list[Column]]:
    """Every active patient of ``clinician``, filtered by ``show`` and ordered by ``sort``
    (both already validated against FILTERS and SORTS). With ``cells=False`` the contributed
    columns are not loaded (``fill_cells`` does it for the rows actually shown)."""
    rows = [r for r in _all_rows(clinician=clinician, now=now) if _matches(r, show)]
    rows.sort(key=_sort_key(sort))
    cols = columns()
    if cells:
        _cells(rows, clinician, cols)
    return rows, cols


def fill_cells(rows: list[Row], clinician) -> list[Column]:
    """Load the contributed columns for ``rows`` only (one query per column, whatever the
    number of rows)."""
    cols = columns()
    _cells(rows, clinician, cols)
    return cols


@dataclass
class CaseloadPage:
    """One page of the caseload: the order and the filter counts are over every patient."""

    rows: list[Row]
    columns: list[Column]
    number: int
    num_pages: int
    total: int  # patients matching the filter
    first: int  # 1-based position of the first row shown (0 when none)
    last: int
    filter_counts: dict  # filter key -> patients matching it (over every patient)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def caseload_page(
    *,
    clinician,
    show: str = "all",
    sort: str = "attention",
    page=1,
    per_page: int = PAGE_SIZE,
    now: datetime | None = None,
) -> CaseloadPage:
    """Page ``page`` of the caseload (``per_page`` rows). Every patient is ordered (attention
    first by default) and counted before the page is cut, so page 1 always holds the patients
    who need attention most; only the rows shown get their contributed cells. A page number
    that is not a whole number reads as 1; one past the end as the last page."""
    everyone = _all_rows(clinician=clinician, now=now)
    filter_counts = {key: sum(1 for r in everyone if _matches(r, key)) for key in FILTERS}
    rows = [r for r in everyone if _matches(r, show)]
    rows.sort(key=_sort_key(sort))
    num_pages = max(1, -(-len(rows) // per_page))
    try:
        number = int(page)
    except (TypeError, ValueError):
        number = 1
    number = min(max(number, 1), num_pages)
    start = (number - 1) * per_page
    shown = rows[start : start + per_page]
    cols = fill_cells(shown, clinician)
    return CaseloadPage(
        rows=shown,
        columns=cols,
        number=number,
        num_pages=num_pages,
        total=len(rows),
        first=start + 1 if shown else 0,
        last=start + len(shown),
        filter_counts=filter_counts,
    )
