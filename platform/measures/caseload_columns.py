"""The caseload's "Latest scores" column: newest total, band and reliable change per instrument."""

from django.utils.translation import gettext_lazy as _

from care.sections import Section
from clinician_app.caseload_columns import Column, register
from measures.selectors import latest_scores_for_workspaces

register(
    Column(
        key="scores",
        label=_("Latest scores"),
        section=Section.MEASURES,
        loader=lambda workspace_ids, clinician: latest_scores_for_workspaces(workspace_ids),
        template="measures/caseload_scores.html",
        order=40,
    )
)
