"""The caseload's "Habit streak" column: the best current streak and the last day marked."""

from django.utils.translation import gettext_lazy as _

from care.sections import Section
from clinician_app.caseload_columns import Column, register
from goals.selectors import habit_summary_for_workspaces


def habit_streaks(workspace_ids, clinician) -> dict:
    return {
        workspace_id: {
            "habits": summary.habits,
            "current_streak": summary.current_streak,
            "last_check": summary.last_check.isoformat() if summary.last_check else None,
        }
        for workspace_id, summary in habit_summary_for_workspaces(workspace_ids).items()
        if summary.habits
    }


register(
    Column(
        key="habit_streak",
        label=_("Habit streak"),
        section=Section.HABITS,
        loader=habit_streaks,
        template="goals/caseload_streak.html",
        order=30,
    )
)
