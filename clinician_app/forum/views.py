"""The moderators' pages: the queue by risk, one post with its reports, one member with their
record (docs/forum.md). Moderators see handles; who is behind one only through the audited
lookup, with a reason."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from care.forms import add_service_errors
from clinician_app.decorators import moderator_required
from forum import selectors, services
from forum.forms import (
    ConcernForm,
    DecisionForm,
    EditForm,
    LookupForm,
    MemberStateForm,
    TopicActionForm,
)
from forum.models import REVIEW_MINUTES, Risk
from records.services import audit


@moderator_required
def queue(request):
    now = timezone.now()
    posts = selectors.queue(now)
    for post in posts:
        post.overdue = post.review_due_at <= now
    audit(action="forum.queue.read", actor=request.user, posts=len(posts))
    return render(
        request,
        "clinician_app/forum/queue.html",
        {
            "posts": posts,
            "appeals": selectors.open_appeals(),
            "profile_reports": selectors.open_profile_reports(),
            "targets": [(Risk(r).label, minutes) for r, minutes in REVIEW_MINUTES.items()],
            "staffed_now": services.is_staffed(now),
        },
    )


def _post_page(request, post, form, concern_form, status=200, topic_form=None, edit_form=None):
    return render(
        request,
        "clinician_app/forum/post.html",
        {
            "post": post,
            "thread": list(selectors.topic_posts_for_moderator(post.topic)),
            "reports": list(post.reports.all()),
            "form": form,
            "concern_form": concern_form,
            "topic_form": topic_form or TopicActionForm(),
            "edit_form": edit_form or EditForm(initial={"body": post.body}),
        },
        status=status,
    )


@moderator_required
@require_POST
def topic_action(request, topic_id):
    topic = selectors.topic_for_moderator(topic_id)
    first = selectors.topic_posts_for_moderator(topic).first()
    form = TopicActionForm(request.POST)
    if form.is_valid():
        try:
            services.topic_moderate(topic=topic, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(request, _("The topic is changed."))
            return redirect("clinician:forum_post", post_id=first.pk)
    return _post_page(request, first, DecisionForm(), ConcernForm(), status=400, topic_form=form)


@moderator_required
@require_http_methods(["GET", "POST"])
def post(request, post_id):
    item = selectors.post_for_moderator(post_id)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "GET":
        audit(action="forum.post.read", actor=request.user, post=str(item.pk))
        return _post_page(request, item, form, ConcernForm())
    if form.is_valid():
        try:
            services.post_decide(post=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(request, _("Done. The post's record is updated."))
            return redirect("clinician:forum_queue")
    return _post_page(request, item, form, ConcernForm(), status=400)


@moderator_required
@require_POST
def concern(request, post_id):
    item = selectors.post_for_moderator(post_id)
    form = ConcernForm(request.POST)
    if form.is_valid():
        try:
            services.concern_send(post=item, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(request, _("Your message of concern is sent to the author."))
            return redirect("clinician:forum_post", post_id=item.pk)
    return _post_page(request, item, DecisionForm(), form, status=400)


def _member_page(request, member, form, lookup_form, identity=None, status=200):
    return render(
        request,
        "clinician_app/forum/member.html",
        {
            "member": member,
            "history": list(selectors.member_history(member)),
            "posts": selectors.member_posts(member),
            "form": form,
            "lookup_form": lookup_form,
            "identity": identity,
        },
        status=status,
    )


@moderator_required
@require_http_methods(["GET", "POST"])
def member(request, member_id):
    who = selectors.member_for_moderator(member_id)
    form = MemberStateForm(
        request.POST if request.method == "POST" else None, initial={"state": who.state}
    )
    if request.method == "GET":
        audit(action="forum.member.read", actor=request.user, member=str(who.pk))
        return _member_page(request, who, form, LookupForm())
    if form.is_valid():
        try:
            services.member_state_set(member=who, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(request, _("The member's state is changed and they are told why."))
            return redirect("clinician:forum_member", member_id=who.pk)
    return _member_page(request, who, form, LookupForm(), status=400)


@moderator_required
@require_POST
def lookup(request, member_id):
    """Who is behind a handle: shown on this response only, never stored in a page's data."""
    who = selectors.member_for_moderator(member_id)
    form = LookupForm(request.POST)
    if form.is_valid():
        try:
            person = services.member_identity_lookup(
                member=who, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _member_page(
                request, who, MemberStateForm(initial={"state": who.state}), LookupForm(),
                identity=person,
            )  # fmt: skip
    return _member_page(
        request, who, MemberStateForm(initial={"state": who.state}), form, status=400
    )


@moderator_required
@require_POST
def post_edit(request, post_id):
    item = selectors.post_for_moderator(post_id)
    form = EditForm(request.POST)
    if form.is_valid():
        try:
            services.post_edit(post=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(request, _("The post is edited and the author is told why."))
            return redirect("clinician:forum_post", post_id=item.pk)
    return _post_page(request, item, DecisionForm(), ConcernForm(), status=400, edit_form=form)


@moderator_required
@require_POST
def profile_report_handled(request, report_id):
    report = selectors.profile_report_for_moderator(report_id)
    services.profile_report_handle(report=report, by=request.user)
    flash.success(request, _("The report is marked as handled."))
    return redirect("clinician:forum_queue")
