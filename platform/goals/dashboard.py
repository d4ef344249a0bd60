"""The patient's dashboard card: goals, suggestions waiting and today's habits."""

from goals import selectors


def _card(request, workspace):
    ladders = selectors.ladders_for_workspace(workspace=workspace)
    habits = selectors.habit_views(workspace=workspace)
    return {
        "ladders": len(ladders),
        "waiting": sum(len(ladder.open_proposals) for ladder in ladders),
        "habits": habits,
    }


DASHBOARD_CARDS = [(30, "goals/dashboard_card.html", _card)]
