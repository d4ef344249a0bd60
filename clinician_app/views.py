"""The GP/therapist face: caseload, patient overview, inviting patients."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from care import policies, selectors, services
from care.sections import Section
from clinician_app.decorators import clinician_required
from clinician_app.forms import InvitePatientForm
from clinician_app.panels import panel_for


@clinician_required
def caseload(request):
    rows = selectors.caseload_for_clinician(clinician=request.user)
    services.access_record_many(
        actor=request.user, workspaces=[r.workspace for r in rows], section="caseload", via="web"
    )
    pending = selectors.pending_memberships_for_clinician(clinician=request.user)
    return render(
        request,
        "clinician_app/caseload.html",
        {"rows": rows, "pending": pending, "sections": list(Section), "progress": Section.PROGRESS},
    )


@clinician_required
def patient_overview(request, workspace_id):
    workspace = policies.workspace_for_user(request.user, workspace_id)
    shared = policies.shared_sections(request.user, workspace)
    services.access_record_sections(
        actor=request.user, workspace=workspace, sections=["overview", *sorted(shared)], via="web"
    )
    cards = []
    for section in Section:
        card = {"section": section, "shared": section in shared, "template": None, "context": {}}
        if card["shared"]:
            panel = panel_for(section)
            if panel is not None:
                card["template"] = panel.template
                card["context"] = panel.context(request, workspace)
        cards.append(card)
    members = selectors.memberships_for_workspace(workspace=workspace)
    return render(
        request,
        "clinician_app/patient_overview.html",
        {"workspace": workspace, "patient": workspace.patient, "cards": cards, "members": members},
    )


@clinician_required
def invite(request):
    form = InvitePatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                clinician=request.user,
                email=form.cleaned_data["email"],
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("The invitation is on its way to %(email)s.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("clinician:caseload")
    return render(request, "clinician_app/invite.html", {"form": form})
