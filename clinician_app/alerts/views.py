"""Alert pages (list, detail, acknowledge, resolve) and the review cadence of a relationship.

Authorization through ``alerts.policies`` / ``care.policies``; every read of an alert is
written to the patient's access log (section ``alerts``).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts import selectors as alert_selectors
from alerts import services as alert_services
from alerts.models import Alert, AlertKind, CareCadence
from alerts.policies import alert_for_user, alerts_read
from care import policies
from care.forms import add_service_errors
from clinician_app.alerts.forms import CadenceForm, ResolveForm, ReviewForm
from clinician_app.decorators import care_staff_required, clinician_required
from forum import selectors as forum_selectors
from guidance import timer
from measures import selectors as measure_selectors
from toolbox import selectors as toolbox_selectors

ALERT_LIST_LIMIT = 200


@clinician_required
def alert_list(request):
    resolved = request.GET.get("status") == "resolved"
    if request.GET.get("status") not in (None, "", "open", "resolved"):
        messages.warning(request, _("That status is not known: showing open alerts."))
    alerts = alert_selectors.alerts_for_clinician(clinician=request.user, resolved=resolved)
    patient = request.GET.get("patient")
    if patient:
        try:
            alerts = alerts.filter(workspace_id=uuid.UUID(patient))
        except ValueError:
            messages.warning(request, _("That patient filter is not valid: showing everyone."))
            patient = None
    alerts = list(alerts[:ALERT_LIST_LIMIT])
    alerts_read(request.user, alerts, via="web")
    return render(
        request,
        "clinician_app/alerts/alert_list.html",
        {"alerts": alerts, "resolved": resolved, "patient": patient, "limit": ALERT_LIST_LIMIT},
    )


def _detail(request, alert: Alert, form: ResolveForm | None = None, status: int = 200):
    workspace = alert.workspace
    duty = request.user.is_duty
    sources = list(alert.triggers.order_by("created_at").values_list("created_at", "source_id"))
    context = {
        "alert": alert,
        "patient": workspace.patient,
        "form": form or ResolveForm(),
        "triggers": [at for at, _source in sources],
        "duty": duty,
    }
    sections = ["alerts"]
    if alert.kind == AlertKind.RISK:
        # Safety information, whatever the patient shares: the answer, not the scores.
        context["safety"] = measure_selectors.safety_details(
            workspace=workspace, source_ids=[source for _at, source in sources]
        )
        context["crisis_plan_exists"] = toolbox_selectors.crisis_plan_exists(workspace=workspace)
        sections.append("safety")
    if alert.kind == AlertKind.FORUM:
        # The patient agreed, when joining the forum, that their care team is told: the held
        # post itself, never anyone else's.
        context["forum_posts"] = forum_selectors.posts_for_alert(
            workspace=workspace, source_ids=[source for _at, source in sources]
        )
        sections.append("safety")
    if duty:
        # The duty contact needs to know who the patient is and how to reach them and their
        # care team; this read is logged as a duty read.
        context["care_team"] = policies.current_members(workspace)
        context["organisations"] = policies.patient_organisations(workspace)
        sections.append("contact")
    policies.sections_read(
        user=request.user, workspace=workspace, sections=sections, via="duty" if duty else "web"
    )
    return render(request, "clinician_app/alerts/alert_detail.html", context, status=status)


@care_staff_required
def alert_detail(request, alert_id):
    return _detail(request, alert_for_user(request.user, alert_id))


@care_staff_required
def duty(request):
    """The duty contact's page: the urgent alerts that reached their organisation's duty
    contact, and the unassigned-risk queue (no care team could be told)."""
    if not request.user.is_duty:
        raise PermissionDenied(_("This page is for the organisation's duty contact."))
    alerts = list(alert_selectors.duty_queue(user=request.user)[:ALERT_LIST_LIMIT])
    alerts_read(request.user, alerts, via="duty")
    return render(request, "clinician_app/alerts/duty.html", {"alerts": alerts})


@require_POST
@care_staff_required
def alert_acknowledge(request, alert_id):
    alert = alert_for_user(request.user, alert_id)
    try:
        alert_services.alert_acknowledge(alert=alert, by=request.user)
    except alert_services.AlertConflict as conflict:
        messages.error(request, str(conflict))
        return _detail(request, alert, status=409)
    messages.success(request, _("You have taken this alert on. Escalation has stopped."))
    return redirect("clinician:alert_detail", alert_id=alert.pk)


@require_POST
@care_staff_required
def alert_resolve(request, alert_id):
    alert = alert_for_user(request.user, alert_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _detail(request, alert, form)
    try:
        alert_services.alert_resolve(
            alert=alert,
            by=request.user,
            note=form.cleaned_data["note"],
            time_spent=timer.time_spent(request),
        )
    except alert_services.AlertConflict as conflict:
        messages.error(request, str(conflict))
        return _detail(request, alert, status=409)
    except ValidationError as error:
        add_service_errors(form, error)
        return _detail(request, alert, form)
    messages.success(request, _("The alert is resolved. Thank you for closing the loop."))
    return redirect("clinician:alert_detail", alert_id=alert.pk)


def _my_membership(request, workspace_id):
    workspace = policies.workspace_for_user(request.user, workspace_id)
    membership = policies.active_membership(request.user, workspace)
    if membership is None:
        raise Http404
    return workspace, membership


@clinician_required
def cadence_edit(request, workspace_id):
    workspace, membership = _my_membership(request, workspace_id)
    cadence = CareCadence.objects.filter(membership=membership).first() or CareCadence(
        membership=membership
    )
    form = CadenceForm(request.POST or None, instance=cadence)
    if request.method == "POST" and form.is_valid():
        try:
            alert_services.cadence_update(
                membership=membership,
                by=request.user,
                inactivity_days=form.cleaned_data["inactivity_days"],
                review_interval_days=form.cleaned_data["review_interval_days"],
                next_review_on=form.cleaned_data["next_review_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Review cadence saved."))
            return redirect("clinician:patient_overview", workspace_id=workspace.pk)
    return render(
        request,
        "clinician_app/alerts/cadence_form.html",
        {"form": form, "workspace": workspace, "patient": workspace.patient},
    )


@clinician_required
def review_new(request, workspace_id):
    workspace, membership = _my_membership(request, workspace_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = alert_services.review_record(
                membership=membership,
                by=request.user,
                note=form.cleaned_data["note"],
                shared_with_patient=form.cleaned_data["shared_with_patient"],
                time_spent=timer.time_spent(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Review recorded. Next review: %(date)s.")
                % {"date": date_format(review.next_review_on)},
            )
            return redirect("clinician:patient_overview", workspace_id=workspace.pk)
    reviews = alert_selectors.reviews_for_membership(membership=membership)
    return render(
        request,
        "clinician_app/alerts/review_form.html",
        {
            "form": form,
            "workspace": workspace,
            "patient": workspace.patient,
            "reviews": reviews,
            "today": timezone.localdate(),
        },
    )
