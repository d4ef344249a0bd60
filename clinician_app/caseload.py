"""The caseload page's rows: who needs attention, what is shared, contributed columns.

Assembled here (the face) from care (memberships, consent), alerts (counts, cadence) and the
columns other capabilities register. Every patient is filtered, counted and ordered
as a light ``Entry`` (plain values); only the rows of the page shown are made in full (model
instances, recency in words, contributed columns). The number of queries does not depend on the
number of patients: 2 (memberships, consent) + 1 (alert counts) + 1 (cadences) for every
patient, then 1 per column for the page's rows (their memberships, workspaces and patients are
made from the values already read). The page's table rows are written as HTML by
``caseload_table``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

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


def recency_of(days: int, active: bool, threshold: int) -> Recency:
    """Colour class AND words: the colour is never the only signal. ``days``: whole days quiet,
    since the last activity (since the care started when there was none: ``active`` False);
    ``threshold``: the days of quiet the cadence allows."""
    if not active:
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
    if days > threshold:
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


_NO_TIME = timedelta(0)


def _least_recently_active(e: Entry) -> tuple:
    """Those never active first, then the longest quiet; unshared activity last (the clinician
    may not know it). The same order as by the time of the last activity: every patient's
    quiet time is counted from the same moment."""
    if e.progress and e.base.active:
        return (False, True, -e.base.quiet, e.name)
    return (not e.progress, False, _NO_TIME, e.name)


def _sort_key(sort: str):
    far = date.max
    return {
        "attention": lambda e: (e.attention, e.name),
        "name": lambda e: e.name,
        "activity": _least_recently_active,
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
    consent, alert counts, cadences), whatever the number of patients."""
    today = timezone.localdate(now)
    base = selectors.caseload_entries_for_clinician(clinician=clinician, now=now)
    counts = alert_selectors.alert_counts_for_clinician(clinician=clinician)
    cadences = alert_selectors.cadences_for_clinician(clinician=clinician)
    no_cadence = alert_selectors.Cadence()
    no_alerts = alert_selectors.AlertCounts()
    progress_section = Section.PROGRESS
    entries = []
    append = entries.append
    for b in base:
        cadence = cadences.get(b.membership_id, no_cadence)
        alerts = counts.get(b.workspace_id, no_alerts)
        progress = progress_section in b.shared
        inactive = progress and b.quiet.days > cadence.inactivity_days
        review_on = cadence.next_review_on
        review_overdue = bool(review_on and review_on < today)
        append(
            Entry(
                base=b,
                name=b.patient_name.lower(),
                progress=progress,
                inactivity_days=cadence.inactivity_days,
                inactive=inactive,
                next_review_on=review_on,
                review_due=bool(review_on and review_on <= today),
                review_overdue=review_overdue,
                open_alerts=alerts.open,
                urgent_alerts=alerts.urgent,
                attention=_attention(alerts.urgent, review_overdue, inactive, alerts.open),
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


def _rows(entries: list[Entry], *, now: datetime) -> list[Row]:
    """Full rows (model instances, recency in words) for ``entries``, in their order, made
    from the values the entries were read with (no query)."""
    words = _Words()
    rows = []
    for e in entries:
        membership = selectors.caseload_membership(e.base)
        rows.append(
            Row(
                workspace=membership.workspace,
                membership=membership,
                shared=e.base.shared,
                # Exact: ``quiet`` is ``now`` less the time of the last activity.
                last_activity_at=now - e.base.quiet if e.progress and e.base.active else None,
                recency=recency_of(e.base.quiet.days, e.base.active, e.inactivity_days)
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
    """The full rows of ``entries`` (a page, read at ``now``), in their order, with the
    contributed columns. Queries: 1 per column, whatever the number of entries."""
    rows = _rows(entries, now=now)
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
    filter_counts = {key: sum(map(MATCHES[key], everyone)) for key in FILTERS}
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
