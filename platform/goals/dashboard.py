"""The patient's dashboard cards: the programme's two core tools, in the right-hand column.

"Don't break the chain" (today's habits and their chains) and the goal ladder (goals and the
suggestions waiting). Each card is one selector call with a fixed number of queries.
"""

from goals import selectors


def _chain_card(request, workspace):
    return {"habits": selectors.habit_views(workspace=workspace)}


def _ladder_card(request, workspace):
    ladders = selectors.ladders_for_workspace(workspace=workspace)
    return {
        "ladders": ladders[:3],
        "count": len(ladders),
        "waiting": sum(len(ladder.open_proposals) for ladder in ladders),
    }


DASHBOARD_CARDS = [
    (10, "goals/dashboard_chain.html", _chain_card, "tools"),
    (20, "goals/dashboard_ladder.html", _ladder_card, "tools"),
]
