"""The caseload table's rows as HTML, written here in Python rather than by the template.

A page holds 100 rows of 10 or more cells; the template engine spent about a third of a
millisecond on each row (a variable, a tag or an include costs microseconds each), more than
everything else the page does for them. So the rows are written here, once per page, as
Django's admin writes its change list: every value through ``text`` (escaped and localized as
``{{ value }}`` would write it), every word through gettext (the catalogues' own strings), the
words and links every row shares looked up once per page. The rest of the page stays in
``caseload.html``.
"""

from __future__ import annotations

from uuid import UUID

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from clinician_app.caseload import NOT_SHARED, Row
from clinician_app.caseload_columns import Phrases, text

_ID = str(UUID(int=0))  # stands for a row's workspace id in the link reversed once


def _span(css: str, words: str) -> str:
    return f'<span class="{css}">{text(words)}</span>'


class _Page:
    """What every row of one page shares: words in the reader's language, and links."""

    def __init__(self):
        # gettext calls stay outside f-strings: xgettext does not look inside them.
        self.words = words = Phrases()
        gettext = words.gettext
        self.no = text(gettext("No"))
        self.not_shared = _span("not-shared", gettext("not shared"))
        self.not_set = _span("muted", gettext("not set"))
        self.none = _span("muted", gettext("none"))
        self.nothing_yet = _span("muted", gettext("nothing yet"))
        self.nothing_shared = _span("not-shared", gettext("nothing shared yet"))
        self.overdue = " " + _span("attention attention-1", gettext("overdue"))
        self.due_today = " " + _span("attention attention-3", gettext("due today"))
        self.alert_list = text(reverse("clinician:alert_list"))
        self.patient = reverse("clinician:patient_overview", args=[_ID])
        self.badges: dict[tuple, str] = {}
        self.days: dict = {}

    def shared(self, labels: tuple) -> str:
        """The badges of the shared sections (few distinct sets on a page: written once each)."""
        found = self.badges.get(labels)
        if found is None:
            found = "".join(f'<span class="badge badge-shared">{text(s)}</span>' for s in labels)
            self.badges[labels] = found
        return found


def _cover(row: Row, page: _Page) -> str:
    cover = row.membership.cover
    words = page.words.gettext("cover for %(name)s until %(end)s") % {
        "name": text(cover.absent.full_name),
        "end": text(date_filter(cover.ends_on, "MONTH_DAY_FORMAT")),
    }
    return f'<br><span class="badge badge-cover" data-cover="{text(cover.pk)}">{words}</span>'


def _review(row: Row, page: _Page) -> str:
    if not row.next_review_on:
        return page.not_set
    html = page.days.get(row.next_review_on)
    if html is None:  # a page has few distinct review days: each is worded once
        day = row.next_review_on
        html = f'<time datetime="{day.isoformat()}">{text(date_filter(day, "DATE_FORMAT"))}</time>'
        page.days[day] = html
    if row.review_overdue:
        return html + page.overdue
    if row.review_due:
        return html + page.due_today
    return html


def _alerts(row: Row, page: _Page, workspace_id: str) -> str:
    if not row.open_alerts:
        return page.none
    n = row.open_alerts
    opened = page.words.ngettext("%(n)s open", "%(n)s open", n) % {"n": text(n)}
    html = f'<a href="{page.alert_list}?patient={workspace_id}">{opened}</a>'
    if row.urgent_alerts:
        n = row.urgent_alerts
        urgent = page.words.ngettext("%(n)s urgent", "%(n)s urgent", n) % {"n": text(n)}
        html += f' <span class="attention attention-0">{urgent}</span>'
    return html


def _cells(row: Row, page: _Page) -> str:
    cells = []
    for column, value in row.cells:
        if value is NOT_SHARED:
            html = page.not_shared
        elif value is None:
            html = page.nothing_yet
        elif column.render is not None:
            html = column.render(value, page.words)
        else:
            html = text(value)
        cells.append(f'<td data-column="{text(column.key)}">{html}</td>')
    return "".join(cells)


def _row(row: Row, page: _Page) -> str:
    workspace_id = text(row.workspace.pk)
    attention = text(row.attention)
    if row.attention_label:
        label = f'<span class="attention attention-{attention}">{text(row.attention_label)}</span>'
    else:
        label = f'<span class="muted">{page.no}</span>'
    if row.recency:
        recency = (
            f'<span class="recency {text(row.recency.css)}"><span class="recency-dot" '
            f'aria-hidden="true"></span>{text(row.recency.text)}</span>'
        )
    else:
        recency = page.not_shared
    link = text(page.patient.replace(_ID, str(row.workspace.pk)))
    cover = _cover(row, page) if row.membership.cover_id else ""
    shared = page.shared(row.shared_labels) if row.shared else page.nothing_shared
    return (
        f'\n    <tr data-workspace="{workspace_id}" data-attention="{attention}">'
        f'\n      <th scope="row"><a href="{link}">{text(row.workspace.patient.full_name)}</a>'
        f'<br><span class="muted">{text(row.role_label)}</span>{cover}</th>'
        f"\n      <td>{label}</td>"
        f"\n      <td>{recency}</td>"
        f"\n      <td>{_review(row, page)}</td>"
        f"\n      <td>{_alerts(row, page, workspace_id)}</td>"
        f"\n      {_cells(row, page)}"
        f"\n      <td>{shared}</td>"
        "\n    </tr>\n  "
    )


def rows_html(rows: list[Row]) -> SafeString:
    """The ``<tr>`` of every row, in order, with its contributed cells (``Row.cells``)."""
    page = _Page()
    return mark_safe("".join(_row(row, page) for row in rows))  # noqa: S308 - escaped above
