"""The clinician's inbox (every thread across the caseload, unread and overdue first), threads,
and the reply agreement they offer each patient."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from care import policies
from care.policies import membership_current
from clinician_app.decorators import clinician_required
from messaging import pages, selectors, services
from messaging.forms import AgreementForm
from messaging.models import ReplyAgreement

THREAD = "clinician:message_thread"


def _inbox_order(row) -> tuple:
    """Overdue first, then threads with unread messages, then the most recent."""
    recent = -row.last_message_at.timestamp() if row.last_message_at else float("inf")
    return (not row.overdue, row.unread == 0, recent)


@clinician_required
def inbox(request):
    """Queries: workspace ids, team-thread INSERT, threads with counts, own agreements, access
    log INSERT; the same for any caseload size."""
    workspace_ids = list(policies.workspaces_for_user(request.user).values_list("pk", flat=True))
    services.team_threads_ensure(workspace_ids=workspace_ids)
    rows = list(selectors.threads_with_counts(request.user))
    agreements = {
        a.membership.workspace_id: a
        for a in ReplyAgreement.objects.filter(
            membership_current("membership__"),
            membership__clinician=request.user,
        ).select_related("membership")
    }
    now = timezone.now()
    for row in rows:
        row.reply_due = selectors.reply_due(
            since=row.awaiting_reply_since, agreement=agreements.get(row.workspace_id)
        )
        row.overdue = bool(row.reply_due and row.reply_due < now)
    rows.sort(key=_inbox_order)
    policies.list_read(
        user=request.user,
        workspaces={r.workspace_id: r.workspace for r in rows}.values(),
        section="messages",
        via="web",
    )
    return render(request, "clinician_app/messages/inbox.html", {"threads": rows})


@clinician_required
@require_http_methods(["GET", "POST"])
def agreement(request, workspace_id):
    workspace = policies.workspace_for_user(request.user, workspace_id)
    membership = policies.active_membership(request.user, workspace)
    current = selectors.agreement_for_membership(membership.pk)
    initial = (
        {
            "reply_within_working_days": current.reply_within_working_days,
            "office_hours": current.office_hours,
        }
        if current
        else None
    )
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_set(workspace=workspace, clinician=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            flash.success(request, _("Saved. The patient is asked to acknowledge it."))
            return redirect("clinician:message_agreement", workspace.pk)
    return render(
        request,
        "clinician_app/messages/agreement.html",
        {"form": form, "workspace": workspace, "current": current},
        status=400 if request.method == "POST" else 200,
    )


@clinician_required
@require_http_methods(["GET", "POST"])
def thread(request, thread_id):
    return pages.thread_page(request, thread_id, template="messaging/thread.html", url_name=THREAD)


@clinician_required
@require_http_methods(["GET", "POST"])
def edit(request, thread_id):
    return pages.edit_page(request, thread_id, template="messaging/edit.html", url_name=THREAD)


@clinician_required
@require_POST
def remove(request, thread_id):
    return pages.remove(request, thread_id, url_name=THREAD)


@clinician_required
@require_GET
def attachment(request, thread_id, attachment_id):
    return pages.attachment(request, thread_id, attachment_id)
