"""The caseload's "Programme" column: pages done out of the programme's current pages."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from care.sections import Section
from clinician_app.caseload_columns import Column, register
from content.models import Enrolment, Page


def programme_progress_by_workspace(workspace_ids, clinician) -> dict:
    """Two queries whatever the number of workspaces: enrolments with their done-page counts,
    and the number of current pages per programme."""
    current = Q(pages__page__retired=False, pages__page__module__retired=False)
    enrolments = list(
        Enrolment.objects.filter(workspace_id__in=list(workspace_ids))
        .annotate(done=Count("pages", filter=current & Q(pages__completed_at__isnull=False)))
        .values("workspace_id", "programme_id", "done", "status")
        .order_by("created_at")
    )
    totals = dict(
        Page.objects.filter(
            module__programme_id__in={e["programme_id"] for e in enrolments},
            retired=False,
            module__retired=False,
        )
        .values("module__programme_id")
        .annotate(n=Count("pk"))
        .values_list("module__programme_id", "n")
    )
    result = {}
    for enrolment in enrolments:  # the newest enrolment of a workspace wins
        total = totals.get(enrolment["programme_id"], 0)
        result[enrolment["workspace_id"]] = {
            "done": enrolment["done"],
            "total": total,
            "percent": round(100 * enrolment["done"] / total) if total else 0,
            "status": enrolment["status"],
        }
    return result


register(
    Column(
        key="programme",
        label=_("Programme"),
        section=Section.PROGRESS,
        loader=programme_progress_by_workspace,
        template="content/caseload_progress.html",
        order=10,
    )
)
