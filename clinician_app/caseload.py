"""The caseload page's rows: who needs attention, what is shared, contributed columns.

Assembled here (the face) from care (memberships, consent), alerts (counts, cadence) and the
columns other capabilities register. Every patient is filtered, counted and ordered
as a light ``Entry`` (plain values); only the rows of the page shown are read in full (model
instances, recency in words, contributed columns). The number of queries does not depend on the
number of patients: 2 (memberships, consent) + 1 (alert counts) + 1 (cadences) for every
patient, then 1 (the page's memberships, workspaces and patients) + 1 per column.
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
    attention_label: str
    role_label: str
    shared_labels: tuple  # the names of the shared sections, in their order
    cells: list = field(default_factory=list)


def quiet_days(last: datetime | None, since: datetime, now: datetime) -> int:
    """Whole days since the last activity, or since the care started when there was none."""
    return (now - (last or since)).days


def is_inactive(last: datetime | None, since: datetime, threshold: int, now: datetime) -> bool:
    """Quiet for more days than the cadence allows (or invited that long ago, never started)."""
    return quiet_days(last, since, now) > threshold


def recency_of(last: datetime | None, since: datetime, threshold: int, now: datetime) -> Recency:
    """Colour class AND words: the colour is never the only signal."""
    days = quiet_days(last, since, now)
    if last is None:
        if is_inactive(last, since, threshold, now):
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
    if is_inactive(last, since, threshold, now):
        text = ngettext("Quiet for %(n)d day", "Quiet for %(n)d days", days) % {"n": days}
        return Recency("recency-inactive", text)
    if days == 0:
        return Recency("recency-recent", str(_("Active today")))
    text = ngettext("Active %(n)d day ago", "Active %(n)d days ago", days) % {"n": days}
    return Recency("recency-recent" if days <= 2 else "recency-quiet", text)


@dataclass(slots=True)
class Entry:
    """One patient as plain values: what filtering, counting and ordering every patient needs.
    Only the entries of the page shown become full ``Row``s (``_rows``)."""

    base: selectors.CaseloadEntry
    name: str  # the patient's name, lower case (the order by name)
    progress: bool  # progress is shared: activity may be shown
    inactivity_days: int
    inactive: bool
    next_review_on: date | None
    review_due: bool
    review_overdue: bool
    open_alerts: int
    urgent_alerts: int
    attention: int

    @property
    def last_activity_at(self) -> datetime | None:
        return self.base.last_activity_at if self.progress else None


def _attention(urgent: int, review_overdue: bool, inactive: bool, open_alerts: int) -> int:
    if urgent:
        return Attention.URGENT
    if review_overdue:
        return Attention.REVIEW_OVERDUE
    if inactive:
        return Attention.INACTIVE
    if open_alerts:
        return Attention.OPEN_ALERTS
    return Attention.NONE


MATCHES = {
    "all": lambda e: True,
    "attention": lambda e: e.attention != Attention.NONE,
    "urgent": lambda e: e.urgent_alerts > 0,
    "review": lambda e: e.review_due,
    "inactive": lambda e: e.inactive,
}


def _sort_key(sort: str):
    far = date.max
    oldest = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    return {
        "attention": lambda e: (e.attention, e.name),
        "name": lambda e: e.name,
        # Unshared activity sorts last: the clinician may not know it.
        "activity": lambda e: (not e.progress, e.last_activity_at or oldest, e.name),
        "review": lambda e: (e.next_review_on or far, e.name),
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


def _entries(*, clinician, now: datetime) -> list[Entry]:
    """One entry per active patient of ``clinician``, in name order. Queries: 4 (memberships,
    consent rows, alert counts, cadences), whatever the number of patients."""
    today = timezone.localdate(now)
    base = selectors.caseload_entries_for_clinician(clinician=clinician)
    counts = alert_selectors.alert_counts_for_clinician(clinician=clinician)
    cadences = alert_selectors.cadences_for_clinician(clinician=clinician)
    entries = []
    for b in base:
        cadence = cadences[b.membership_id]
        counts_here = counts.get(b.workspace_id)
        progress = Section.PROGRESS in b.shared
        inactive = progress and is_inactive(
            b.last_activity_at, b.since, cadence.inactivity_days, now
        )
        review_on = cadence.next_review_on
        review_overdue = bool(review_on and review_on < today)
        open_alerts = counts_here.open if counts_here else 0
        urgent_alerts = counts_here.urgent if counts_here else 0
        entries.append(
            Entry(
                base=b,
                name=b.patient_name.lower(),
                progress=progress,
                inactivity_days=cadence.inactivity_days,
                inactive=inactive,
                next_review_on=review_on,
                review_due=bool(review_on and review_on <= today),
                review_overdue=review_overdue,
                open_alerts=open_alerts,
                urgent_alerts=urgent_alerts,
                attention=_attention(urgent_alerts, review_overdue, inactive, open_alerts),
            )
        )
    return entries


class _Words:
    """The words a page's rows share (attention, role, section names), translated once per
    page instead of once per row: a page has few distinct values."""

    def __init__(self):
        self.attention = {key: str(label) for key, label in Attention.LABELS.items()}
        self._roles: dict = {}
        self._shared: dict = {}

    def role(self, membership: CareTeamMembership) -> str:
        if membership.role not in self._roles:
            self._roles[membership.role] = membership.get_role_display()
        return self._roles[membership.role]

    def shared(self, sections: frozenset) -> tuple[str, ...]:
        if sections not in self._shared:
            self._shared[sections] = tuple(str(s.label) for s in Section if s in sections)
        return self._shared[sections]


def _rows(entries: list[Entry], *, clinician, now: datetime) -> list[Row]:
    """Full rows (model instances, recency in words) for ``entries``, in their order.
    Queries: 1, whatever the number of entries. A membership that stopped being current
    since the entries were read is left out."""
    memberships = selectors.caseload_memberships(
        clinician=clinician, membership_ids=[e.base.membership_id for e in entries]
    )
    words = _Words()
    rows = []
    for e in entries:
        membership = memberships.get(e.base.membership_id)
        if membership is None:
            continue
        rows.append(
            Row(
                workspace=membership.workspace,
                membership=membership,
                shared=e.base.shared,
                last_activity_at=e.last_activity_at,
                recency=recency_of(e.base.last_activity_at, e.base.since, e.inactivity_days, now)
                if e.progress
                else None,
                inactive=e.inactive,
                next_review_on=e.next_review_on,
                review_due=e.review_due,
                review_overdue=e.review_overdue,
                open_alerts=e.open_alerts,
                urgent_alerts=e.urgent_alerts,
                attention=e.attention,
                attention_label=words.attention[e.attention],
                role_label=words.role(membership),
                shared_labels=words.shared(e.base.shared),
            )
        )
    return rows


def caseload_entries(
    *, clinician, show: str = "all", sort: str = "attention", now: datetime
) -> list[Entry]:
    """Every active patient of ``clinician`` as a light ``Entry``, filtered by ``show`` and
    ordered by ``sort`` (both already validated against FILTERS and SORTS). Cut a page of
    them, then ``caseload_rows`` makes the full rows of that page."""
    matches = MATCHES[show]
    entries = [e for e in _entries(clinician=clinician, now=now) if matches(e)]
    entries.sort(key=_sort_key(sort))
    return entries


def caseload_rows(entries: list[Entry], *, clinician, now: datetime) -> tuple[list[Row], list]:
    """The full rows of ``entries`` (a page), in their order, with the contributed columns.
    Queries: 1 + 1 per column, whatever the number of entries."""
    rows = _rows(entries, clinician=clinician, now=now)
    return rows, fill_cells(rows, clinician)


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
    now = now or timezone.now()
    everyone = _entries(clinician=clinician, now=now)
    filter_counts = {key: sum(1 for e in everyone if MATCHES[key](e)) for key in FILTERS}
    matches = MATCHES[show]
    entries = [e for e in everyone if matches(e)]
    entries.sort(key=_sort_key(sort))
    num_pages = max(1, -(-len(entries) // per_page))
    try:
        number = int(page)
    except (TypeError, ValueError):
        number = 1
    number = min(max(number, 1), num_pages)
    start = (number - 1) * per_page
    shown, cols = caseload_rows(entries[start : start + per_page], clinician=clinician, now=now)
    return CaseloadPage(
        rows=shown,
        columns=cols,
        number=number,
        num_pages=num_pages,
        total=len(entries),
        first=start + 1 if shown else 0,
        last=start + len(shown),
        filter_counts=filter_counts,
    )
