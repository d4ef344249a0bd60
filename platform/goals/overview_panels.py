"""Panels on the clinician's patient overview. The overview has already authorized the section
and written the access-log entry for it."""

from care.sections import Section
from clinician_app.panels import Panel, register
from goals import selectors


def _goals(request, workspace):
    ladders = selectors.ladders_for_workspace(workspace=workspace)
    waiting = [p for ladder in ladders for p in ladder.open_proposals]
    new_goals = selectors.proposals_for_workspace(workspace=workspace, open_only=True).filter(
        ladder__isnull=True
    )
    for proposal in waiting:  # the ladder is already loaded: no query per proposal
        proposal.ladder = next(ladder for ladder in ladders if ladder.pk == proposal.ladder_id)
    return {
        "workspace": workspace,
        "ladders": ladders,
        "proposals": [*new_goals, *waiting],
    }


def _habits(request, workspace):
    return {"workspace": workspace, "habits": selectors.habit_views(workspace=workspace)}


register(Panel(section=Section.GOALS, template="goals/panel_goals.html", context=_goals))
register(Panel(section=Section.HABITS, template="goals/panel_habits.html", context=_habits))
