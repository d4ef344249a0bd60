"""The "measures" panel of the clinician's patient overview. The overview view has already
authorized the section and logged the read."""

from care.sections import Section
from clinician_app.panels import Panel, register
from measures import selectors


def _context(request, workspace) -> dict:
    scores = selectors.latest_scores_for_workspaces([workspace.pk]).get(workspace.pk, {})
    return {
        "workspace": workspace,
        "scores": list(scores.values()),
        "risks": selectors.open_risk_events_for_workspaces([workspace.pk]),
    }


register(
    Panel(section=Section.MEASURES, template="measures/_overview_panel.html", context=_context)
)
