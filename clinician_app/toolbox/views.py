"""What a care-team member sees of a patient's toolbox, section by section.

Each view fetches the workspace through ``care.policies`` (404 to outsiders), asks the toolbox
selectors (403 where the section is not shared) and writes one access-log entry per read.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from care import policies
from care.sections import Section
from clinician_app.decorators import clinician_required
from guidance import timer
from patient_app.toolbox.views import HISTORY_PAGE, trend_context
from toolbox import selectors, services
from toolbox.forms import CrisisItemForm
from toolbox.network_map import network_map


def _read(request, workspace_id, section: Section):
    """The workspace, after checking the section is shared; the read is logged."""
    return policies.workspace_read(
        user=request.user, workspace_id=workspace_id, section=section, via="web"
    )


@clinician_required
@require_http_methods(["GET", "POST"])
def crisis_plan(request, workspace_id):
    workspace = _read(request, workspace_id, Section.CRISIS_PLAN)
    form = CrisisItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.crisis_suggestion_create(
                workspace=workspace,
                by=request.user,
                time_spent=timer.time_spent(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, _("Your suggestion is sent. The patient decides whether to add it.")
            )
            return redirect("clinician:crisis_plan", workspace_id=workspace.pk)
    plan = selectors.crisis_plan_for_viewer(user=request.user, workspace=workspace)
    return render(
        request,
        "clinician_app/toolbox/crisis_plan.html",
        {"workspace": workspace, "patient": workspace.patient, "plan": plan, "form": form},
    )


@clinician_required
def checkins(request, workspace_id):
    workspace = _read(request, workspace_id, Section.CHECKINS)
    page = Paginator(
        selectors.checkins_for_viewer(user=request.user, workspace=workspace), HISTORY_PAGE
    ).get_page(request.GET.get("page"))
    context = trend_context(
        request,
        user=request.user,
        workspace=workspace,
        today=services.local_today(workspace.patient),
    )
    return render(
        request,
        "clinician_app/toolbox/checkins.html",
        {"workspace": workspace, "patient": workspace.patient, "page": page, **context},
    )


@clinician_required
def network(request, workspace_id):
    workspace = _read(request, workspace_id, Section.NETWORK_MAP)
    contacts = selectors.network_for_viewer(user=request.user, workspace=workspace)
    return render(
        request,
        "clinician_app/toolbox/network.html",
        {
            "workspace": workspace,
            "patient": workspace.patient,
            "contacts": contacts,
            "map": network_map(contacts),
        },
    )


@clinician_required
def journal(request, workspace_id):
    workspace = _read(request, workspace_id, Section.JOURNAL)
    page = Paginator(
        selectors.journal_for_viewer(user=request.user, workspace=workspace), HISTORY_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "clinician_app/toolbox/journal.html",
        {"workspace": workspace, "patient": workspace.patient, "page": page},
    )
