"""Discharge: the care team's lead ends a course of care with a summary for the patient
(docs/courses.md)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from care import courses, policies, selectors
from care.forms import add_service_errors
from care.sections import Section
from clinician_app.decorators import clinician_required
from clinician_app.forms import DischargeForm
from config.confirmation import confirmation_page
from measures.outcomes import outcome_for_course
from measures.services import final_measures_request


@clinician_required
@require_http_methods(["GET", "POST"])
def discharge(request, workspace_id):
    workspace = policies.workspace_read(
        user=request.user, workspace_id=workspace_id, section="course", via="web"
    )
    course = courses.open_course(workspace)
    members = [
        m for m in selectors.memberships_for_workspace(workspace=workspace) if m.status != "ended"
    ]
    lead = policies.lead_membership(workspace)
    is_lead = lead is not None and lead.clinician_id == request.user.pk
    form = DischargeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if course is None:
            form.add_error(None, _("This patient has no course of care open."))
        elif form.is_valid():
            ask = confirmation_page(
                request,
                title=_("Discharge %(name)s?") % {"name": workspace.patient.full_name},
                consequences=[
                    _("The course of care ends now and the patient reads your summary."),
                    _(
                        "Everyone in the care team whom the patient did not keep on, you "
                        "included, can no longer see the workspace, from now on."
                    ),
                    _("The patient keeps their workspace and everything in it."),
                ],
                confirm_label=_("Yes, discharge"),
                back_url=reverse("clinician:course_discharge", args=[workspace.pk]),
            )
            if ask is not None:
                return ask
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    if data["final_measures"]:
                        final_measures_request(workspace=workspace, by=request.user)
                    courses.course_discharge(
                        course=course,
                        by=request.user,
                        worked_on=data["worked_on"],
                        helped=data["helped"],
                        next_steps=data["next_steps"],
                        final_measures_requested=data["final_measures"],
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s is discharged. They can read your summary in their workspace.")
                    % {"name": workspace.patient.full_name},
                )
                return redirect("clinician:caseload")
        status = 400
    outcome = None
    if course is not None and policies.can_view_section(request.user, workspace, Section.MEASURES):
        outcome = outcome_for_course(course)
    return render(
        request,
        "clinician_app/courses/discharge.html",
        {
            "workspace": workspace,
            "patient": workspace.patient,
            "course": course,
            "members": members,
            "lead": lead,
            "is_lead": is_lead,
            "outcome": outcome,
            "form": form,
        },
        status=status,
    )
