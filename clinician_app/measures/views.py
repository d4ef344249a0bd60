"""The care team's view of a patient's questionnaires: scores over time, the outcome metrics
(measures.outcomes), open risk answers, schedules and the reminder delivery log. Needs the
patient's consent for "measures"; every visit is written to the patient's access log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from care import policies
from care.sections import Section
from clinician_app.decorators import clinician_required
from clinician_app.measures.forms import ScheduleForm
from measures import charts, outcomes, selectors, services


def _page(request, workspace, form, status=200):
    trends = selectors.trends_for_workspace(workspace)
    for trend in trends:
        trend.chart = charts.chart(trend)
    return render(
        request,
        "clinician_app/measures/measures.html",
        {
            "workspace": workspace,
            "patient": workspace.patient,
            "trends": trends,
            # Each score says which language version it was answered in.
            "show_language": True,
            "outcome": outcomes.outcome_for_workspace(workspace),
            "outcome_rules": outcomes.rules(),
            "risks": selectors.open_risk_events_for_workspaces([workspace.pk]),
            "schedules": list(selectors.schedules_for_workspace(workspace)),
            "reminders": list(selectors.reminders_for_workspace(workspace)[:100]),
            "personal_checks": selectors.personal_checks(workspace, limit=12),
            "form": form,
        },
        status=status,
    )


@clinician_required
@require_GET
def measures(request, workspace_id):
    workspace = policies.workspace_read(
        user=request.user, workspace_id=workspace_id, section=Section.MEASURES, via="web"
    )
    return _page(request, workspace, ScheduleForm(initial={"at_start": True, "active": True}))


@clinician_required
@require_POST
def schedule(request, workspace_id):
    workspace = policies.workspace_for_change(
        user=request.user, workspace_id=workspace_id, section=Section.MEASURES
    )
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.schedule_set(workspace=workspace, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The schedule is saved."))
            return redirect("clinician:measures", workspace_id=workspace.pk)
    # The refused form is shown on the measures page again: a read of the measures.
    policies.workspace_read(
        user=request.user, workspace=workspace, section=Section.MEASURES, via="web"
    )
    return _page(request, workspace, form, status=400)
