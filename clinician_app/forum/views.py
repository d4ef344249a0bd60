"""The forum in the clinicians' face (docs/forum.md).

- The moderators' pages: the queue by risk, one post with its reports, one member with their
  record. Moderators see handles; who is behind one only through the audited lookup, with a
  reason.
- The forum admin's pages: the spaces (their mode and slow mode, a space per programme) and
  who is a peer supporter.
- A GP's or therapist's pages for taking part under a forum name with a professional badge.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from care.forms import add_service_errors
from clinician_app.decorators import (
    clinician_required,
    forum_admin_required,
    moderator_required,
)
from content.selectors import programmes_published
from forum import selectors, services
from forum.forms import (
    ConcernForm,
    DecisionForm,
    EditForm,
    LookupForm,
    MemberKindForm,
    MemberStateForm,
    PostForm,
    ProfessionalJoinForm,
    SpaceForm,
    TopicActionForm,
    TopicForm,
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


def _member_page(request, member, form, lookup_form, identity=None, status=200, kind_form=None):
    history = list(selectors.member_history(member))
    for event in history:
        event.strike = selectors.is_strike(event)
    return render(
        request,
        "clinician_app/forum/member.html",
        {
            "member": member,
            "history": history,
            "strikes": sum(1 for event in history if event.strike),
            "posts": selectors.member_posts(member),
            "form": form,
            "lookup_form": lookup_form,
            "kind_form": kind_form or MemberKindForm(initial={"kind": member.kind}),
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


# --- the forum admin ------------------------------------------------------------------------


def _programme_choices(current: str = "") -> list[tuple[str, str]]:
    choices = [(p.slug, p.title) for p in programmes_published()]
    if current and current not in {slug for slug, _title in choices}:
        choices.append((current, current))
    return choices


@forum_admin_required
@require_http_methods(["GET", "POST"])
def spaces(request):
    """Every space with its mode and slow mode, a form to open one, and the programmes that
    have no space yet (one button each)."""
    form = SpaceForm(
        request.POST if request.method == "POST" else None, programmes=_programme_choices()
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                room = services.space_save(by=request.user, **form.service_values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(request, _("The space is open."))
                return redirect("clinician:forum_space_edit", slug=room.slug)
        status = 400
    rooms = list(selectors.spaces())
    with_space = {room.programme_slug for room in rooms if room.programme_slug}
    return render(
        request,
        "clinician_app/forum/spaces.html",
        {
            "spaces": rooms,
            "form": form,
            "programmes_without": [p for p in programmes_published() if p.slug not in with_space],
        },
        status=status,
    )


@forum_admin_required
@require_POST
def programme_space(request):
    """Open a programme's own space, under the programme's title."""
    programme = programmes_published().filter(slug=request.POST.get("programme", "")).first()
    if programme is None:
        flash.error(request, _("Choose a programme from the list."))
        return redirect("clinician:forum_spaces")
    services.programme_space_open(by=request.user, slug=programme.slug, title=programme.title)
    flash.success(request, _("The programme's space is open."))
    return redirect("clinician:forum_spaces")


@forum_admin_required
@require_http_methods(["GET", "POST"])
def space_edit(request, slug):
    room = selectors.space_by_slug(slug)
    initial = {
        "title": room.title,
        "description": room.description,
        "programme_slug": room.programme_slug,
        "mode": room.mode,
        "slow_mode_minutes": room.slow_mode_seconds // 60,
        "position": room.position,
    }
    form = SpaceForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        programmes=_programme_choices(room.programme_slug),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.space_save(by=request.user, space=room, **form.service_values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(request, _("The space is saved."))
                return redirect("clinician:forum_spaces")
        status = 400
    return render(
        request,
        "clinician_app/forum/space_edit.html",
        {"space": room, "form": form, "history": selectors.space_history(room)},
        status=status,
    )


@forum_admin_required
@require_POST
def member_kind(request, member_id):
    """Make a member a peer supporter, or a member again, with a reason they are sent."""
    who = selectors.member_for_moderator(member_id)
    form = MemberKindForm(request.POST)
    if form.is_valid():
        try:
            services.member_kind_set(member=who, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(request, _("The member's role is changed and they are told why."))
            return redirect("clinician:forum_member", member_id=who.pk)
    return _member_page(
        request, who, MemberStateForm(initial={"state": who.state}), LookupForm(),
        status=400, kind_form=form,
    )  # fmt: skip


# --- a GP or therapist taking part ------------------------------------------------------------


def professional_required(view):
    """A GP or therapist who has a forum name; one who has not is taken to the joining page."""

    @clinician_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        member = selectors.member_of(request.user)
        if member is None:
            return redirect("clinician:forum_take_part")
        request.forum_member = member
        return view(request, *args, **kwargs)

    return wrapper


@clinician_required
@require_http_methods(["GET", "POST"])
def take_part(request):
    if selectors.member_of(request.user) is not None:
        return redirect("clinician:forum_browse")
    form = ProfessionalJoinForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.professional_join(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(request, _("You take part in the forum with a professional badge."))
                return redirect("clinician:forum_browse")
        status = 400
    return render(
        request,
        "clinician_app/forum/take_part.html",
        {"form": form, "rules_version": services.RULES_VERSION},
        status=status,
    )


@professional_required
def browse(request):
    """Every space with its latest topics, as members see them."""
    member = request.forum_member
    return render(
        request,
        "clinician_app/forum/browse.html",
        {"member": member, "rooms": selectors.latest_topics_by_space(member)},
    )


def _posted(request, post, waiting: str):
    """Say whether the professional's post is published or waits, and show its topic."""
    published = post.status != post.Status.PENDING
    flash.success(request, _("Your post is published.") if published else waiting)
    return redirect("clinician:forum_thread", topic_id=post.topic_id)


@professional_required
@require_http_methods(["GET", "POST"])
def topic_new(request, slug):
    """A professional starts a topic in a space (a question to the members, a tip)."""
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
                return _posted(request, post, _("Your topic is waiting for a moderator."))
        status = 400
    return render(
        request,
        "clinician_app/forum/topic_new.html",
        {"member": member, "space": room, "form": form},
        status=status,
    )


@professional_required
@require_http_methods(["GET", "POST"])
def thread(request, topic_id):
    """A topic's posts, and a reply under the professional's forum name."""
    member = request.forum_member
    topic = selectors.topic_for_member(topic_id, member)
    form = PostForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                post = services.reply(member=member, topic=topic, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _posted(request, post, _("Your reply is waiting for a moderator."))
        status = 400
    posts = selectors.labelled(list(selectors.posts_in(topic, member)))
    return render(
        request,
        "clinician_app/forum/thread.html",
        {"member": member, "topic": topic, "posts": posts, "form": form},
        status=status,
    )
