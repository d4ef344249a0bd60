"""The caseload's columns, composed here from the domains' selectors (a domain never registers
itself into this face).

``loader(workspace_ids, clinician)`` is called ONCE per page with the ids of the workspaces
that share the column's ``section`` with this clinician (never the others: those cells read
"not shared"), and returns ``{workspace id: value}``. It must cost a constant number of queries
whatever the number of ids (the caseload test proves 10, 100 and 1,000 patients cost the same).
A value is shown as text, or through ``template`` (which gets ``value``); a missing value reads
"nothing yet".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
    template: str | None = None
    order: int = 100


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


T = "clinician_app/caseload/{}.html"

COLUMNS: tuple[Column, ...] = (
    Column(
        key="programme",
        label=_("Programme"),
        section=Section.PROGRESS,
        loader=lambda ids, clinician: content_selectors.programme_progress_by_workspace(ids),
        template=T.format("programme"),
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
        template=T.format("habit_streak"),
        order=30,
    ),
    Column(
        key="checkin",
        label=_("Latest check-in"),
        section=Section.CHECKINS,
        loader=_latest_checkins,
        template=T.format("checkin"),
        order=35,
    ),
    Column(
        key="scores",
        label=_("Latest scores"),
        section=Section.MEASURES,
        loader=lambda ids, clinician: measures_selectors.latest_scores_for_workspaces(ids),
        template=T.format("scores"),
        order=40,
    ),
)


def columns() -> list[Column]:
    return sorted(COLUMNS, key=lambda c: (c.order, c.key))
