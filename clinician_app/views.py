"""The GP/therapist face: caseload, patient overview, inviting patients."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import selectors as alert_selectors
from alerts.models import Alert
from care import policies, selectors, services
from care.sections import Section
from clinician_app import caseload_table
from clinician_app.caseload import FILTERS, SORTS, caseload_page
from clinician_app.decorators import clinician_required
from clinician_app.forms import InvitePatientForm
from clinician_app.panels import panel_for
from guidance import selectors as guidance_selectors
from messaging import selectors as messaging_selectors
from messaging import services as messaging_services


@clinician_required
def caseload(request):
    show = request.GET.get("show") or "all"
    sort = request.GET.get("sort") or "attention"
    if show not in FILTERS:
        messages.warning(request, _("That filter is not known: showing everyone."))
        show = "all"
    if sort not in SORTS:
        messages.warning(request, _("That order is not known: needs attention first."))
        sort = "attention"
    raw_page = request.GET.get("page") or "1"
    page = caseload_page(clinician=request.user, show=show, sort=sort, page=raw_page)
    if raw_page != str(page.number):
        messages.warning(
            request,
            _("That page does not exist: showing page %(number)d.") % {"number": page.number},
        )
    # Only the rows shown are read, so only they are logged.
    policies.list_read(
        user=request.user,
        workspaces=[r.workspace for r in page.rows],
        section="caseload",
        via="web",
    )
    pending = selectors.pending_memberships_for_clinician(clinician=request.user)
    return render(
        request,
        "clinician_app/caseload.html",
        {
            "rows": page.rows,
            "rows_html": caseload_table.rows_html(page.rows),
            "page": page,
            "columns": page.columns,
            "pending": pending,
            "show": show,
            "sort": sort,
            "filters": FILTERS,
            "sorts": SORTS,
            "sort_label": SORTS[sort],
            "today": timezone.localdate(),
        },
    )


@clinician_required
def patient_overview(request, workspace_id):
    workspace, shared = policies.workspace_read_sections(
        user=request.user,
        workspace_id=workspace_id,
        labels=["overview", "alerts", "timeline"],
        via="web",
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
    mine = next((m for m in members if m.clinician_id == request.user.pk), None)
    alerts = alert_selectors.alerts_for_workspace(user=request.user, workspace=workspace)
    cadence = alert_selectors.cadences_for_memberships([mine.pk])[mine.pk] if mine else None
    today = timezone.localdate()
    unresolved = [a for a in alerts if a.status in Alert.UNRESOLVED]
    # What needs action leads the page: open alerts, unread messages, an overdue review.
    attention = {
        "open_alerts": len(unresolved),
        "urgent_alerts": sum(1 for a in unresolved if a.is_urgent),
        "unread": messaging_selectors.unread_by_workspace([workspace.pk], request.user).get(
            workspace.pk, 0
        ),
        "review_overdue": bool(
            cadence and cadence.next_review_on and cadence.next_review_on < today
        ),
    }
    return render(
        request,
        "clinician_app/patient_overview.html",
        {
            "workspace": workspace,
            "patient": workspace.patient,
            "cards": cards,
            "not_shared": [card for card in cards if not card["shared"]],
            "members": members,
            "alerts": alerts,
            "attention": attention,
            "thread": messaging_services.team_thread_for(workspace=workspace),
            "cadence": cadence,
            "timeline": alert_selectors.timeline_for_clinician(
                user=request.user, workspace=workspace, shared=shared
            ),
            "today": today,
            "guidance_months": guidance_selectors.monthly_for_workspace(
                workspace=workspace, clinician=request.user
            ),
        },
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
