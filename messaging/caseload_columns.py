"""The caseload's "Unread" column: messages from the patient's team threads this clinician has
not read yet. Being in the care team is enough to message, so no section gates it."""

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from clinician_app.caseload_columns import Column, register
from messaging.selectors import threads_with_counts


def unread_by_workspace(workspace_ids, clinician) -> dict:
    """One query: the clinician's unread count per workspace."""
    rows = (
        threads_with_counts(clinician)
        .filter(workspace_id__in=list(workspace_ids))
        .values("workspace_id")
        .annotate(total=Sum("unread"))
        .values_list("workspace_id", "total")
    )
    return {workspace_id: total for workspace_id, total in rows if total}


register(
    Column(
        key="unread", label=_("Unread messages"), section=None, loader=unread_by_workspace, order=20
    )
)
