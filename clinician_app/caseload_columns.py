"""The caseload's columns, composed here from the domains' selectors (a domain never registers
itself into this face).

``loader(workspace_ids, clinician)`` is called ONCE per page with the ids of the workspaces
that share the column's ``section`` with this clinician (never the others: those cells read
"not shared"), and returns ``{workspace id: value}``. It must cost a constant number of queries
whatever the number of ids (the caseload test proves 10, 100 and 1,000 patients cost the same).
A value is shown as text (``text``), or as the HTML ``render(value, words)`` writes; a missing
value reads "nothing yet". The page writes its rows in Python (``caseload_table``), so a
column's cell is a function too: every value in it goes through ``text`` (escaped), every
phrase through ``words`` (the page's ``Phrases``: the catalogues' own strings, looked up once).
Keep gettext calls out of f-strings: xgettext does not look inside them.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from care.sections import Section
from content import selectors as content_selectors
from goals import selectors as goals_selectors
from measures import selectors as measures_selectors
from messaging import selectors as messaging_selectors
from toolbox import selectors as toolbox_selectors


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    section: Section | None
    loader: Callable  # (workspace_ids: list, clinician) -> dict[workspace id, value]
    # (value, the page's Phrases) -> the cell's HTML; None: the value as ``text``
    render: Callable[[object, Phrases], str] | None = None
    order: int = 100


class Phrases:
    """gettext and ngettext for one page, each phrase looked up once: a page of 100 rows asks
    for the same few phrases hundreds of times, and a look-up costs microseconds."""

    def __init__(self):
        self._found: dict = {}

    def gettext(self, message: str) -> str:
        found = self._found.get(message)
        if found is None:
            found = self._found[message] = gettext(message)
        return found

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        key = (singular, plural, n)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = ngettext(singular, plural, n)
        return found


def text(value) -> str:
    """``value`` as a template's ``{{ value }}`` writes it: in local time, localized, escaped.
    Text and whole numbers, most of a page's values, take a shortcut to the same result."""
    kind = type(value)
    if kind is str:
        return SafeString(html.escape(value))
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # as ``localize`` writes it; digits need no escaping
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _month_day(iso_day: str) -> str:
    """An ISO day from a column value ("2026-12-06", as the API gives it) as "6 Dec", in the
    reader's language."""
    try:
        day = date.fromisoformat(iso_day)
    except (TypeError, ValueError):
        return text(date_filter(iso_day, "MONTH_DAY_FORMAT"))
    return text(date_filter(day, "MONTH_DAY_FORMAT"))


def _habit_streaks(workspace_ids, clinician) -> dict:
    return {
        workspace_id: {
            "habits": summary.habits,
            "current_streak": summary.current_streak,
            "last_check": summary.last_check.isoformat() if summary.last_check else None,
        }
        for workspace_id, summary in goals_selectors.habit_summary_for_workspaces(
            workspace_ids
        ).items()
        if summary.habits
    }


def _latest_checkins(workspace_ids, clinician) -> dict:
    """Private entries never count (the selector skips them), so a clinician never learns
    that a private entry exists."""
    return {
        workspace_id: {
            "day": checkin.day.isoformat(),
            "mood": checkin.mood,
            "symptoms": checkin.symptoms,
            "energy": checkin.energy,
            "sleep": checkin.sleep,
        }
        for workspace_id, checkin in toolbox_selectors.latest_checkin_for_workspaces(
            workspace_ids
        ).items()
    }


def _programme_cell(value: dict, words: Phrases) -> str:
    cell = words.gettext("%(done)s of %(total)s pages (%(percent)s%%)") % {
        "done": text(value["done"]),
        "total": text(value["total"]),
        "percent": text(value["percent"]),
    }
    if value["status"] == "paused":
        paused = text(words.gettext("paused"))
        cell += f' <span class="badge">{paused}</span>'
    return cell


def _habit_streak_cell(value: dict, words: Phrases) -> str:
    days = value["current_streak"]
    cell = words.ngettext("%(days)s day", "%(days)s days", days) % {"days": text(days)}
    if value["last_check"]:
        marked = text(words.gettext("last marked"))
        cell += (
            f' <span class="muted">({marked} <time datetime="{text(value["last_check"])}">'
            f"{_month_day(value['last_check'])}</time>)</span>"
        )
    return cell


def _checkin_cell(value: dict, words: Phrases) -> str:
    said = words.gettext("mood %(mood)s/5, symptoms %(symptoms)s/5") % {
        "mood": text(value["mood"]),
        "symptoms": text(value["symptoms"]),
    }
    return f'<time datetime="{text(value["day"])}">{_month_day(value["day"])}</time>: {said}'


def _scores_cell(value: dict, words: Phrases) -> str:
    chips = []
    for code, score in value.items():
        name, total, band = text(score["name"]), text(score["total"]), text(score["band_label"])
        change = score["reliable_change"]
        title = badge = ""
        if change == "worse":
            reliably, word = words.gettext("reliably worse"), words.gettext("worse")
            title = f", {text(reliably)}"
            badge = f' <span class="chip-change chip-worse">{text(word)}</span>'
        elif change == "improved":
            reliably, word = words.gettext("reliably better"), words.gettext("better")
            title = f", {text(reliably)}"
            badge = f' <span class="chip-change chip-better">{text(word)}</span>'
        chips.append(
            f'<li class="chip" data-instrument="{text(code)}" data-change="{text(change or "none")}"'
            f' title="{name}: {total} ({band}){title}"><abbr title="{name}">{name}</abbr>'
            f' <strong>{total}</strong> <span class="chip-note">{band}</span>{badge}</li>'
        )
    return f'<ul class="chips">{"".join(chips)}</ul>'


COLUMNS: tuple[Column, ...] = (
    Column(
        key="programme",
        label=_("Programme"),
        section=Section.PROGRESS,
        loader=lambda ids, clinician: content_selectors.programme_progress_by_workspace(ids),
        render=_programme_cell,
        order=10,
    ),
    # Being in the care team is enough to message, so no section gates it.
    Column(
        key="unread",
        label=_("Unread messages"),
        section=None,
        loader=messaging_selectors.unread_by_workspace,
        order=20,
    ),
    Column(
        key="habit_streak",
        label=_("Habit streak"),
        section=Section.HABITS,
        loader=_habit_streaks,
        render=_habit_streak_cell,
        order=30,
    ),
    Column(
        key="checkin",
        label=_("Latest check-in"),
        section=Section.CHECKINS,
        loader=_latest_checkins,
        render=_checkin_cell,
        order=35,
    ),
    Column(
        key="scores",
        label=_("Latest scores"),
        section=Section.MEASURES,
        loader=lambda ids, clinician: measures_selectors.latest_scores_for_workspaces(ids),
        render=_scores_cell,
        order=40,
    ),
)


def columns() -> list[Column]:
    return sorted(COLUMNS, key=lambda c: (c.order, c.key))
