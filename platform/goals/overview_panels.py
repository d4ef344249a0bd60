"""Panels on the clinician's patient overview. The overview has already authorized the section
and written the access-log entry for it."""

from care.sections import Section
from clinician_app.panels import Panel, register
from goals import selectors


def _goals(request, workspace):
    ladders = selectors.ladders_for_workspace(workspace=workspace)
    return {
        "workspace": workspace,
        "ladders": ladders,
        "open_proposals": sum(len(ladder.open_proposals) for ladder in ladders),
    }


def _habits(request, workspace):
    return {"workspace": workspace, "habits": selectors.habit_views(workspace=workspace)}


register(Panel(section=Section.GOALS, template="goals/panel_goals.html", context=_goals))
register(Panel(section=Section.HABITS, template="goals/panel_habits.html", context=_habits))
