"""Page logic shared by the patient's and the clinician's messaging pages.

The faces own their URLs, decorators and templates; both call these helpers so that sending,
editing and removing behave the same for everyone. Authorization is always
``selectors.thread_for_user`` (404 to anyone who is not a participant).
"""

from __future__ import annotations

import uuid

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from care import policies
from care.forms import add_service_errors
from care.models import CareTeamMembership
from care.policies import membership_current
from config.confirmation import confirmation_page
from guidance import timer
from messaging import attachments, downloads, selectors, services
from messaging.forms import MessageEditForm, MessageForm, MessageRemoveForm
from messaging.models import ReplyAgreement

ACCESS_SECTION = "messages"


def thread_page(request, thread_id, *, template: str, url_name: str) -> HttpResponse:
    """GET shows the latest page (older pages by ``?before=N``) and marks the thread read;
    POST sends a message and redirects back (post/redirect/get)."""
    thread = selectors.thread_for_user(request.user, thread_id)
    if request.method == "POST" and attachments.request_too_large(request):
        # Refused on its announced length, without checking (or storing) any of its files;
        # the text is kept for the next try.
        form = MessageForm(data={"client_id": uuid.uuid4(), "body": request.POST.get("body", "")})
        form.is_valid()
        form.add_error(None, attachments.too_large_message())
    else:
        form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            message, _created = services.message_send(
                thread=thread,
                sender=request.user,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
                files=form.cleaned_data["attachments"],
                time_spent=timer.time_spent(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(reverse(url_name, args=[thread.pk]) + f"#m-{message.sequence}")
    try:
        before = int(request.GET["before"]) if "before" in request.GET else None
    except ValueError:
        before = None
    page = selectors.messages_for_thread(thread=thread, before=before)
    policies.workspace_read(
        user=request.user, workspace=thread.workspace, section=ACCESS_SECTION, via="web"
    )
    if before is None:
        services.thread_mark_read(thread=thread, user=request.user)
    reads = selectors.read_sequences(thread)
    others_read = max([s for uid, s in reads.items() if uid != request.user.pk], default=0)
    members = list(
        CareTeamMembership.objects.filter(
            membership_current(),
            workspace=thread.workspace,
        ).select_related("clinician", "reply_agreement")
    )
    if thread.kind == thread.Kind.PRIVATE:
        members = [m for m in members if m.pk == thread.membership_id]
    presence = selectors.presence_for_users([m.clinician_id for m in members])
    for member in members:
        member.presence = presence.get(member.clinician_id)
        member.agreement = getattr(member, "reply_agreement", None)
    agreement = _agreement_for(request.user, thread, members)
    due = selectors.reply_due(since=thread.awaiting_reply_since, agreement=agreement)
    return render(
        request,
        template,
        {
            "thread": thread,
            "page": page,
            "older": page[0].sequence if page and page[0].sequence > 1 else None,
            "form": form,
            "others_read": others_read,
            "members": members,
            "reply_due": due,
            "overdue": bool(due and due < timezone.now()),
            "may_post": selectors.may_post(request.user, thread),
            "url_name": url_name,
        },
        status=400 if request.method == "POST" else 200,
    )


def attachment(request, thread_id, attachment_id) -> HttpResponse:
    """One attachment's file, for a participant of the thread (404 otherwise)."""
    return downloads.attachment_response(
        user=request.user, thread_id=thread_id, attachment_id=attachment_id, via="web"
    )


def _agreement_for(user, thread, members) -> ReplyAgreement | None:
    """The agreement that sets the expected reply time: the viewing clinician's own, or for the
    patient the quickest promise among the members in the thread."""
    agreements = [m.agreement for m in members if m.agreement is not None]
    if user.is_clinician:
        return next((m.agreement for m in members if m.clinician_id == user.pk), None)
    return min(agreements, key=lambda a: a.reply_within_working_days, default=None)


def edit_page(request, thread_id, *, template: str, url_name: str) -> HttpResponse:
    """GET ``?message=<id>`` shows the edit form for one's own message; POST saves it."""
    thread = selectors.thread_for_user(request.user, thread_id)
    if request.method == "POST":
        form = MessageEditForm(request.POST)
    else:
        form = MessageEditForm(initial={"message": request.GET.get("message")})
        message_id = request.GET.get("message", "")
        message = thread.messages.filter(pk=message_id).first() if _is_uuid(message_id) else None
        if message is None or message.sender_id != request.user.pk or message.is_removed:
            return render(request, template, {"thread": thread, "missing": True}, status=400)
        form.initial["body"] = message.body
        return render(request, template, {"thread": thread, "form": form, "url_name": url_name})
    if form.is_valid():
        try:
            message = services.message_edit(
                thread=thread,
                message_id=form.cleaned_data["message"],
                by=request.user,
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(
                request, _("Your message was changed. The earlier text stays in its history.")
            )
            return redirect(reverse(url_name, args=[thread.pk]) + f"#m-{message.sequence}")
    return render(
        request, template, {"thread": thread, "form": form, "url_name": url_name}, status=400
    )


def remove(request, thread_id, *, url_name: str) -> HttpResponse:
    thread = selectors.thread_for_user(request.user, thread_id)
    form = MessageRemoveForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose a message to remove."), status=400, content_type="text/plain")
    ask = confirmation_page(
        request,
        title=_("Remove your message?"),
        consequences=[
            _("Your message is replaced by “message removed” for everyone in the conversation."),
            _("This cannot be undone."),
        ],
        confirm_label=_("Yes, remove it"),
        back_url=reverse(url_name, args=[thread.pk]),
    )
    if ask is not None:
        return ask
    try:
        message = services.message_remove(
            thread=thread, message_id=form.cleaned_data["message"], by=request.user
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    flash.success(request, _("Your message was removed."))
    return redirect(reverse(url_name, args=[thread.pk]) + f"#m-{message.sequence}")


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
