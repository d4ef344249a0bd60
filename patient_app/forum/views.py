"""The peer support forum as a member sees it (docs/forum.md). Only handles are ever shown: no
page here renders a member's name or e-mail."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from care import services as care
from care.forms import add_service_errors
from forum import selectors, services
from forum.forms import AppealForm, JoinForm, PostForm, ReportForm, SettingsForm, TopicForm
from forum.models import Member, Post
from patient_app.decorators import patient_required
from toolbox.selectors import crisis_plan_for_viewer


def member_required(view):
    """A patient who has joined; one who has not is taken to the joining page."""

    @patient_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        member = selectors.member_of(request.user)
        if member is None:
            return redirect("patient:forum_join")
        request.forum_member = member
        return view(request, *args, **kwargs)

    return wrapper


def _hours():
    hours = services.staffed_hours()
    return {
        "start": hours["start"],
        "end": hours["end"],
        "every_day": len(hours["days"]) == 7,
        "staffed_now": services.is_staffed(),
        "out_of_hours": services.out_of_hours_mode(),
    }


@patient_required
@require_http_methods(["GET", "POST"])
def join(request):
    if selectors.member_of(request.user) is not None:
        return redirect("patient:forum_home")
    form = JoinForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.member_join(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(request, _("Welcome to the forum."))
                return redirect("patient:forum_home")
        status = 400
    return render(
        request,
        "patient_app/forum/join.html",
        {"form": form, "hours": _hours(), "rules_version": services.RULES_VERSION},
        status=status,
    )


@patient_required
def home(request):
    member = selectors.member_of(request.user)
    if member is None:  # the forum's front door: what it is, its rules, and joining
        return render(
            request,
            "patient_app/forum/join.html",
            {"form": JoinForm(), "hours": _hours(), "rules_version": services.RULES_VERSION},
        )
    return render(
        request,
        "patient_app/forum/home.html",
        {
            "member": member,
            "spaces": list(selectors.spaces_with_counts(member)),
            "notices": list(selectors.notices_for(member)[:10]),
            "appeal_form": AppealForm(),
            "hours": _hours(),
        },
    )


@member_required
@require_POST
def appeal(request):
    member = request.forum_member
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_send(member=member, text=form.cleaned_data["text"])
        except ValidationError as error:
            flash.error(request, " ".join(error.messages))
        else:
            flash.success(
                request, _("Your appeal is with the moderators. They will answer you here.")
            )
        return redirect("patient:forum_home")
    return render(
        request,
        "patient_app/forum/home.html",
        {
            "member": member,
            "spaces": list(selectors.spaces_with_counts(member)),
            "notices": list(selectors.notices_for(member)[:10]),
            "appeal_form": form,
            "hours": _hours(),
        },
        status=400,
    )


@member_required
@require_http_methods(["GET", "POST"])
def space(request, slug):
    member = request.forum_member
    room = selectors.space_by_slug(slug)
    form = TopicForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                post = services.topic_start(member=member, space=room, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _after_posting(request, post)
        status = 400
    return render(
        request,
        "patient_app/forum/space.html",
        {
            "member": member,
            "space": room,
            "topics": list(selectors.topics_in(room, member)[:50]),
            "form": form,
            "hours": _hours(),
        },
        status=status,
    )


def _after_posting(request, post: Post):
    if post.status == Post.Status.PENDING:
        return redirect("patient:forum_held", post_id=post.pk)
    flash.success(request, _("Your post is published."))
    return redirect(reverse("patient:forum_topic", args=[post.topic_id]) + f"#post-{post.pk}")


@member_required
@require_http_methods(["GET", "POST"])
def topic(request, topic_id):
    member = request.forum_member
    thread = selectors.topic_for_member(topic_id, member)
    form = PostForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                post = services.reply(member=member, topic=thread, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _after_posting(request, post)
        status = 400
    posts = selectors.labelled(list(selectors.posts_in(thread, member)))
    for post in posts:
        post.muted_for_me = selectors.muted(post, member)
    return render(
        request,
        "patient_app/forum/topic.html",
        {"member": member, "topic": thread, "posts": posts, "form": form, "hours": _hours()},
        status=status,
    )


def _report_page(request, *, send, template: str, context: dict, thanks: str, back):
    """The report form for a post or a forum name: one flow, the service decides the rest."""
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                send(**form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(request, thanks)
                return back
        return render(request, template, {**context, "form": form}, status=400)
    return render(request, template, {**context, "form": form})


@member_required
@require_http_methods(["GET", "POST"])
def report(request, post_id):
    member = request.forum_member
    post = selectors.post_for_member(post_id, member)
    return _report_page(
        request,
        send=lambda **data: services.report_create(member=member, post=post, **data),
        template="patient_app/forum/report.html",
        context={"post": post},
        thanks=_("Thank you. The moderators have your report; the author is not told who sent it."),
        back=redirect("patient:forum_topic", topic_id=post.topic_id),
    )


@member_required
@require_http_methods(["GET", "POST"])
def profile_report(request, member_id):
    """Report a member's forum name (an offensive or identifying one, say)."""
    member = request.forum_member
    about = selectors.member_by_id(member_id)
    return _report_page(
        request,
        send=lambda **data: services.profile_report(member=member, about=about, **data),
        template="patient_app/forum/profile_report.html",
        context={"about": about},
        thanks=_("Thank you. The moderators have your report; the member is not told who sent it."),
        back=redirect("patient:forum_home"),
    )


@member_required
@require_POST
def helped(request, post_id):
    member = request.forum_member
    post = selectors.post_for_member(post_id, member)
    try:
        services.react(member=member, post=post)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    return redirect(reverse("patient:forum_topic", args=[post.topic_id]) + f"#post-{post.pk}")


@member_required
@require_POST
def peer_hide(request, post_id):
    """A peer supporter hides a post until a moderator has looked."""
    member = request.forum_member
    post = selectors.post_for_member(post_id, member)
    if member.kind != Member.Kind.PEER_SUPPORTER:
        raise PermissionDenied(_("Only peer supporters can hide a post."))
    try:
        services.peer_hide(post=post, by=member, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
        return redirect(reverse("patient:forum_topic", args=[post.topic_id]) + f"#post-{post.pk}")
    flash.success(request, _("The post is hidden until a moderator has looked at it."))
    return redirect("patient:forum_topic", topic_id=post.topic_id)


@member_required
def held(request, post_id):
    """The author's own post that waits for a moderator. Held for words that may mean risk,
    it shows their crisis plan and the crisis lines at once."""
    member = request.forum_member
    post = selectors.held_post_for_author(post_id, member)
    plan = None
    if post.risk == "crisis":
        workspace = care.workspace_get_or_create(patient=request.user)
        plan = crisis_plan_for_viewer(user=request.user, workspace=workspace)
    return render(
        request,
        "patient_app/forum/held.html",
        {"post": post, "plan": plan, "hours": _hours()},
    )


@member_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    member: Member = request.forum_member
    initial = {
        "care_team_alerts": member.care_team_alerts,
        "mute_words": "\n".join(member.mute_words),
    }
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            words = [w for w in form.cleaned_data["mute_words"].splitlines() if w.strip()]
            try:
                services.member_settings_update(
                    member=member,
                    care_team_alerts=form.cleaned_data["care_team_alerts"],
                    mute_words=words,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(request, _("Saved."))
                return redirect("patient:forum_settings")
        status = 400
    return render(
        request, "patient_app/forum/settings.html", {"member": member, "form": form}, status=status
    )
