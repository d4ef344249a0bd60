"""The patient dashboard card: what is due now (three queries, see selectors.due_for_workspace)."""

from django.utils import timezone

from measures import selectors


def _due_card(request, workspace) -> dict:
    return {"due": selectors.due_for_workspace(workspace, today=timezone.localdate())}


DASHBOARD_CARDS = [(30, "measures/_dashboard_card.html", _due_card)]
