"""The patient's dashboard card: a clinician of the care team away, and who covers."""

from care.selectors import covers_for_workspace


def _covers(request, workspace) -> dict:
    """Queries: 1."""
    return {"covers": covers_for_workspace(workspace=workspace)}


DASHBOARD_CARDS = [(15, "care/dashboard_cover.html", _covers, "main")]
