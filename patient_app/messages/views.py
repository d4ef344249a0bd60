"""The patient's messages: their conversations with the care team, and each member's agreement."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from care import services as care
from care.models import CareTeamMembership
from messaging import pages, selectors, services
from messaging.forms import AgreementAcknowledgeForm, PrivateThreadForm
from patient_app.decorators import patient_required

THREAD = "patient:message_thread"


@patient_required
def threads(request):
    workspace = care.workspace_get_or_create(patient=request.user)
    services.team_threads_ensure(workspace_ids=[workspace.pk])
    rows = list(
        selectors.threads_with_counts(request.user).order_by("kind", "-last_message_at", "pk")
    )
    members = list(
        CareTeamMembership.objects.filter(
            workspace=workspace, status=CareTeamMembership.Status.ACTIVE
        ).select_related("clinician", "reply_agreement")
    )
    private_with = {t.membership_id for t in rows if t.membership_id}
    for member in members:
        member.agreement = getattr(member, "reply_agreement", None)
    return render(
        request,
        "patient_app/messages/threads.html",
        {
            "threads": rows,
            "members": members,
            "can_open": [m for m in members if m.pk not in private_with],
        },
    )


@patient_required
@require_POST
def private_open(request):
    workspace = care.workspace_get_or_create(patient=request.user)
    form = PrivateThreadForm(request.POST)
    if form.is_valid():
        try:
            thread = services.private_thread_open(
                workspace=workspace, membership_id=form.cleaned_data["membership"], by=request.user
            )
        except ValidationError as error:
            flash.error(request, " ".join(error.messages))
        else:
            return redirect(THREAD, thread.pk)
    else:
        flash.error(request, _("Choose someone in your care team."))
    return redirect("patient:message_threads")


@patient_required
@require_POST
def agreement_acknowledge(request):
    workspace = care.workspace_get_or_create(patient=request.user)
    form = AgreementAcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_acknowledge(
                workspace=workspace, membership_id=form.cleaned_data["membership"], by=request.user
            )
        except ValidationError as error:
            flash.error(request, " ".join(error.messages))
        else:
            flash.success(request, _("Thank you. You have noted when to expect an answer."))
    else:
        flash.error(request, _("There is no agreement to acknowledge."))
    return redirect("patient:message_threads")


@patient_required
@require_http_methods(["GET", "POST"])
def thread(request, thread_id):
    return pages.thread_page(request, thread_id, template="messaging/thread.html", url_name=THREAD)


@patient_required
@require_http_methods(["GET", "POST"])
def edit(request, thread_id):
    return pages.edit_page(request, thread_id, template="messaging/edit.html", url_name=THREAD)


@patient_required
@require_POST
def remove(request, thread_id):
    return pages.remove(request, thread_id, url_name=THREAD)


@patient_required
@require_GET
def attachment(request, thread_id, attachment_id):
    return pages.attachment(request, thread_id, attachment_id)
