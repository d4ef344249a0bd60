"""Everything that changes the forum: joining, posting, reporting, moderating (docs/forum.md).

Posting decides, in one place (:func:`_placement`), whether a post is published at once or held
for a moderator, and how urgently a moderator should look: words that may mean risk hold it
first (crisis); then a read-only or pre-moderated space, a member whose posts are read first,
a new member's first posts, and the hours when nobody moderates.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.languages import language_of
from accounts.models import User
from forum.handles import clean_handle, handle_key
from forum.live_groups import MEMBERS, MODERATORS
from forum.models import (
    REVIEW_MINUTES,
    RISK_RANK,
    ContentWarning,
    Member,
    Mode,
    ModerationEvent,
    Post,
    Reaction,
    Report,
    Risk,
    Space,
    Topic,
)
from forum.terms import watched
from records.events import publish_access_changed, publish_broadcast
from records.services import audit

# The house rules a member accepts when joining; raise it when the rules change (members are
# asked again).
RULES_VERSION = "2026-12-07"
FIRST_POSTS_READ = 3  # a new member's first posts are read by a moderator first
MAX_BODY = 5000
MAX_TITLE = 150
# Outside the moderators' hours, in "publish" mode: hidden at this many reports on one post,
# and the member's posts read first at this many reports across their posts.
HIDE_AT_REPORTS = 3
PREMODERATE_AT_REPORTS = 5


# --- the forum's record ----------------------------------------------------------------------


def _record(**fields) -> ModerationEvent:
    """Write one event of the forum's record. When the member is told of it (a restriction's
    reason, a decision about their post, a message of concern), they are also sent a short
    e-mail once the change is saved: it says only that the moderators have written, never what
    or about which post."""
    event = ModerationEvent.objects.create(**fields)
    member = event.member
    if event.told_member and member is not None:
        transaction.on_commit(lambda: _email_notice(member.user_id))
    return event


def _email_notice(user_id) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.message_notifications:
        return
    with translation.override(language_of(user)):
        subject = _("The forum's moderators have written to you")
        body = render_to_string(
            "forum/notice_email.txt",
            {
                "link": settings.SITE_URL
                + reverse("clinician:forum_browse" if user.is_clinician else "patient:forum_home"),
                "account_link": settings.SITE_URL + reverse("accounts:profile"),
            },
        )
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])


# --- hours ---------------------------------------------------------------------------------


def staffed_hours() -> dict:
    """The moderators' hours (settings.FORUM_STAFFED_HOURS): weekdays (0 = Monday), start, end,
    in the site's time zone."""
    return settings.FORUM_STAFFED_HOURS


def is_staffed(now: datetime | None = None) -> bool:
    from zoneinfo import ZoneInfo

    hours = staffed_hours()
    local = timezone.localtime(now or timezone.now(), ZoneInfo(hours["time_zone"]))
    start, end = time.fromisoformat(hours["start"]), time.fromisoformat(hours["end"])
    return local.weekday() in hours["days"] and start <= local.time() < end


def out_of_hours_mode() -> str:
    """``pre_moderate``: every post waits for the morning; ``publish``: posts go out and
    reports hide them (HIDE_AT_REPORTS, PREMODERATE_AT_REPORTS)."""
    return settings.FORUM_OUT_OF_HOURS


# --- live --------------------------------------------------------------------------------


def _live(post: Post, *, seen_by_members: bool) -> None:
    """Tell open pages to look again, after commit: the members when what they see changed,
    the moderators always (their queue). Ids only."""
    data = {"topic": str(post.topic_id), "post": str(post.pk)}
    groups = [MEMBERS, MODERATORS] if seen_by_members else [MODERATORS]
    publish_broadcast(groups, "forum.post", data)


# --- text ----------------------------------------------------------------------------------


def _clean_text(value, *, field: str, limit: int, label: str) -> str:
    if not isinstance(value, str):
        raise ValidationError({field: _("Write something first.")})
    if "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise ValidationError({field: _("The text holds characters that cannot be stored.")})
    value = value.replace("\r\n", "\n").strip()
    if not value:
        raise ValidationError({field: _("Write something first.")})
    if len(value) > limit:
        raise ValidationError(
            {field: _("%(label)s can be at most %(limit)s characters long.")
             % {"label": label, "limit": limit}}
        )  # fmt: skip
    return value


def _clean_warnings(values) -> list[str]:
    values = list(values or [])
    known = set(ContentWarning.values)
    if any(v not in known for v in values):
        raise ValidationError({"content_warnings": _("Choose content warnings from the list.")})
    return sorted(set(values))


# --- joining -------------------------------------------------------------------------------


def _member_create(*, user: User, handle, accepted_rules: bool, **fields) -> Member:
    if not accepted_rules:
        raise ValidationError({"accepted_rules": _("Please read and accept the house rules.")})
    if Member.objects.filter(user=user).exists():
        raise ValidationError(_("You have already joined the forum."))
    try:
        handle = clean_handle(handle, user=user)
    except ValidationError as error:
        raise ValidationError({"handle": error.messages}) from None
    try:
        with transaction.atomic():
            member = Member.objects.create(
                user=user,
                handle=handle,
                handle_key=handle_key(handle),
                rules_version=RULES_VERSION,
                **fields,
            )
    except IntegrityError:
        raise ValidationError(
            {"handle": _("Someone already uses that forum name. Try another.")}
        ) from None
    audit(action="forum.member.joined", actor=user, member=str(member.pk), kind=member.kind)
    return member


def member_join(
    *, user: User, handle, accepted_rules: bool, care_team_alerts: bool = False
) -> Member:
    """A patient joins under a handle, having accepted the house rules and the escalation
    policy. ``care_team_alerts``: a post that may show risk also raises an alert to their care
    team (it is always held and shown to a moderator first)."""
    if not user.is_patient:
        raise PermissionDenied
    member = _member_create(
        user=user,
        handle=handle,
        accepted_rules=accepted_rules,
        care_team_alerts=bool(care_team_alerts),
    )
    publish_access_changed(user_ids=[user.pk])  # open sockets join the forum's audience
    return member


def professional_join(*, user: User, handle, accepted_rules: bool) -> Member:
    """A GP or therapist takes part under a forum name with a professional badge, never under
    their clinical account's name (the same handle rules refuse their own name and e-mail).
    Their posts are published at once (a space's pre-moderation still applies) and are not
    read for words of risk: they are not the forum's patients."""
    if not user.is_clinician:
        raise PermissionDenied
    return _member_create(
        user=user, handle=handle, accepted_rules=accepted_rules, kind=Member.Kind.PROFESSIONAL
    )


def member_settings_update(*, member: Member, care_team_alerts: bool, mute_words) -> Member:
    words = []
    for word in mute_words or []:
        word = _clean_text(word, field="mute_words", limit=40, label=_("A muted word"))
        words.append(word)
    if len(words) > 50:
        raise ValidationError({"mute_words": _("You can mute up to 50 words.")})
    member.care_team_alerts = bool(care_team_alerts)
    member.mute_words = sorted(set(words), key=str.casefold)
    member.save(update_fields=["care_team_alerts", "mute_words"])
    return member


# --- posting -------------------------------------------------------------------------------


def _check_may_post(member: Member, space: Space, now: datetime) -> None:
    if member.state in (Member.State.SUSPENDED, Member.State.REMOVED):
        raise PermissionDenied
    if member.state == Member.State.MUTED and (
        member.state_until is None or member.state_until > now
    ):
        raise ValidationError(
            _("You cannot post for now. Your messages from the moderators say why.")
        )
    if space.mode == Mode.READ_ONLY:
        raise ValidationError(_("This space is read only."))
    if space.slow_mode_seconds and member.last_posted_at:
        wait = member.last_posted_at + timedelta(seconds=space.slow_mode_seconds) - now
        if wait.total_seconds() > 0:
            minutes = int(wait.total_seconds() // 60) + 1
            raise ValidationError(
                ngettext(
                    "This space is in slow mode: you can post again in %(minutes)s minute.",
                    "This space is in slow mode: you can post again in %(minutes)s minutes.",
                    minutes,
                )
                % {"minutes": minutes}
            )


def _placement(member: Member, space: Space, body: str, now: datetime) -> dict:
    """Published at once or held, why, and how urgently a moderator should look."""
    professional = member.kind == Member.Kind.PROFESSIONAL
    terms = [] if professional else watched().matches(body)
    if terms:
        return {"held": Post.Held.WATCHED_TERM, "risk": Risk.CRISIS, "watched_terms": terms}
    if space.mode == Mode.PRE_MODERATED:
        held = Post.Held.SPACE
    elif member.state == Member.State.PRE_MODERATED:
        held = Post.Held.MEMBER
    elif professional:
        held = Post.Held.NONE
    elif member.approved_posts < FIRST_POSTS_READ:
        held = Post.Held.FIRST_POSTS
    elif not is_staffed(now) and out_of_hours_mode() == "pre_moderate":
        held = Post.Held.OUT_OF_HOURS
    else:
        held = Post.Held.NONE
    return {"held": held, "risk": Risk.GREEN, "watched_terms": []}


def _create_post(*, member, topic, body, content_warnings, now) -> Post:
    place = _placement(member, topic.space, body, now)
    held = place["held"] != Post.Held.NONE
    post = Post.objects.create(
        topic=topic,
        author=member,
        body=body,
        status=Post.Status.PENDING if held else Post.Status.PUBLISHED,
        held=place["held"],
        risk=place["risk"],
        watched_terms=place["watched_terms"],
        content_warnings=content_warnings,
        created_at=now,
        published_at=None if held else now,
        review_due_at=now + timedelta(minutes=REVIEW_MINUTES[place["risk"]]) if held else None,
    )
    Member.objects.filter(pk=member.pk).update(last_posted_at=now)
    member.last_posted_at = now
    if not held:
        Topic.objects.filter(pk=topic.pk).update(last_post_at=now, post_count=F("post_count") + 1)
    if place["held"] == Post.Held.WATCHED_TERM:
        _record(
            action=ModerationEvent.Action.HOLD,
            post=post,
            member=member,
            detail={"terms": place["watched_terms"], "terms_version": watched().version},
        )
        transaction.on_commit(lambda: _raise_concern(post.pk, "watched_term"))
    _live(post, seen_by_members=not held)
    return post


def topic_start(*, member: Member, space: Space, title, body, content_warnings=()) -> Post:
    """A new topic and its first post. Returns the post (``post.topic`` is the topic)."""
    now = timezone.now()
    title = _clean_text(title, field="title", limit=MAX_TITLE, label=_("A title"))
    body = _clean_text(body, field="body", limit=MAX_BODY, label=_("A post"))
    warnings = _clean_warnings(content_warnings)
    _check_may_post(member, space, now)
    with transaction.atomic():
        topic = Topic.objects.create(
            space=space, title=title, author=member, created_at=now, last_post_at=now
        )
        post = _create_post(
            member=member, topic=topic, body=body, content_warnings=warnings, now=now
        )
    return post


def reply(*, member: Member, topic: Topic, body, content_warnings=()) -> Post:
    now = timezone.now()
    body = _clean_text(body, field="body", limit=MAX_BODY, label=_("A post"))
    warnings = _clean_warnings(content_warnings)
    _check_may_post(member, topic.space, now)
    if topic.locked:
        raise ValidationError(_("This topic is closed to new replies."))
    with transaction.atomic():
        return _create_post(
            member=member, topic=topic, body=body, content_warnings=warnings, now=now
        )


def react(*, member: Member, post: Post) -> bool:
    """Toggle "this helped". Returns whether the member now marks it."""
    if post.status != Post.Status.PUBLISHED:
        raise ValidationError(_("You can only mark a published post."))
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(post=post, member=member).delete()
        if deleted:
            Post.objects.filter(pk=post.pk).update(helped_count=F("helped_count") - 1)
            return False
        try:
            with transaction.atomic():
                Reaction.objects.create(post=post, member=member)
        except IntegrityError:
            return True  # marked at the same moment from another tab
        Post.objects.filter(pk=post.pk).update(helped_count=F("helped_count") + 1)
        return True


# --- the crisis pathway --------------------------------------------------------------------


def _raise_concern(post_id, source: str) -> None:
    """Where the author agreed when joining, an urgent alert to their care team through the
    alert loop (which escalates to the others and the duty contact when nobody answers)."""
    from alerts.services import alert_raise

    post = Post.objects.select_related("author__user").filter(pk=post_id).first()
    if post is None or post.author is None or not post.author.care_team_alerts:
        return
    workspace = getattr(post.author.user, "workspace", None)
    if workspace is None:
        return
    with transaction.atomic():
        alert, created = alert_raise(
            workspace=workspace, kind="forum", severity="urgent", source_id=f"forum-post:{post.pk}"
        )
        if (
            created
            or not ModerationEvent.objects.filter(
                action=ModerationEvent.Action.ALERT, post=post
            ).exists()
        ):
            _record(
                action=ModerationEvent.Action.ALERT,
                post=post,
                member=post.author,
                detail={"alert": str(alert.pk), "source": source},
            )


# --- reports -------------------------------------------------------------------------------


def report_create(*, member: Member, post: Post, reason: str, note: str = "") -> Report:
    """A member reports a post. The reporter stays anonymous to other members and gets an
    acknowledgement (the page says it was received). "Someone may be at risk" holds the post
    and puts it first in the queue; the others put it in the queue by risk. Outside the
    moderators' hours in "publish" mode, a post is hidden at HIDE_AT_REPORTS reports and the
    author's posts are read first at PREMODERATE_AT_REPORTS reports across them. The counts
    come from the stored reports under a lock on the post: two reports at once count twice."""
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    note = note or ""
    if note:
        note = _clean_text(note, field="note", limit=500, label=_("A note"))
    if post.author_id == member.pk:
        raise ValidationError(_("This is your own post."))
    if post.status not in (Post.Status.PUBLISHED,):
        raise ValidationError(_("This post is already with the moderators."))
    now = timezone.now()
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    post=locked, reporter=member, reason=reason, note=note, created_at=now
                )
        except IntegrityError:
            raise ValidationError(_("You have reported this post already. Thank you.")) from None
        count = Report.objects.filter(post=locked).count()
        risk = {
            Report.Reason.AT_RISK: Risk.CRISIS,
            Report.Reason.HARMFUL: Risk.RED,
        }.get(reason, Risk.AMBER)
        fields = ["report_count"]
        locked.report_count = count
        if locked.reviewed_at is not None or locked.review_due_at is None:
            locked.reviewed_at = None
            locked.review_due_at = now + timedelta(minutes=REVIEW_MINUTES[risk])
            locked.risk = risk
            fields += ["reviewed_at", "review_due_at", "risk"]
        elif _rank(risk) < _rank(locked.risk):
            locked.risk = risk
            locked.review_due_at = min(
                locked.review_due_at, now + timedelta(minutes=REVIEW_MINUTES[risk])
            )
            fields += ["risk", "review_due_at"]
        if reason == Report.Reason.AT_RISK:
            locked.status, locked.held = Post.Status.PENDING, Post.Held.REPORTS
            fields += ["status", "held"]
        elif count >= HIDE_AT_REPORTS and not is_staffed(now) and out_of_hours_mode() == "publish":
            locked.status, locked.held = Post.Status.HIDDEN, Post.Held.REPORTS
            fields += ["status", "held"]
            _record(
                action=ModerationEvent.Action.AUTO_HIDE,
                post=locked,
                member=locked.author,
                detail={"reports": count},
            )
        locked.save(update_fields=fields)
        if locked.status != Post.Status.PUBLISHED and post.status == Post.Status.PUBLISHED:
            Topic.objects.filter(pk=locked.topic_id).update(post_count=F("post_count") - 1)
        post.status, post.report_count = locked.status, count
        _live(locked, seen_by_members=locked.status != Post.Status.PUBLISHED)
        if locked.author_id and not is_staffed(now) and out_of_hours_mode() == "publish":
            _premoderate_when_reported(locked.author_id)
    if reason == Report.Reason.AT_RISK:
        transaction.on_commit(lambda: _raise_concern(post.pk, "report"))
    return report


def _premoderate_when_reported(member_id) -> None:
    author = Member.objects.select_for_update().get(pk=member_id)
    if author.state != Member.State.ACTIVE:
        return
    total = Report.objects.filter(post__author=author).count()
    if total >= PREMODERATE_AT_REPORTS:
        author.state = Member.State.PRE_MODERATED
        author.save(update_fields=["state"])
        _record(
            action=ModerationEvent.Action.STATE,
            member=author,
            reason=_(
                "Several members reported your posts while no moderator was on duty, so your "
                "posts are read by a moderator before they are published until one has looked."
            ),
            told_member=True,
            detail={"state": author.state, "reports": total},
        )


def _rank(risk: str) -> int:
    return RISK_RANK[Risk(risk)]


# --- moderation ----------------------------------------------------------------------------


def _require_moderator(user: User) -> None:
    if not (user.is_authenticated and user.is_active and user.is_moderator):
        raise PermissionDenied


def post_decide(*, post: Post, by: User, action: str, reason: str = "") -> Post:
    """A moderator's decision on a post in the queue or in the forum: approve (publish),
    reject (never published), hide, restore. Hiding and rejecting need a written reason, sent
    to the author."""
    _require_moderator(by)
    actions = {
        "approve": ({Post.Status.PENDING, Post.Status.HIDDEN}, Post.Status.PUBLISHED),
        "restore": ({Post.Status.HIDDEN}, Post.Status.PUBLISHED),
        "reject": ({Post.Status.PENDING}, Post.Status.REJECTED),
        "hide": ({Post.Status.PUBLISHED}, Post.Status.HIDDEN),
        "keep": ({Post.Status.PUBLISHED}, Post.Status.PUBLISHED),
    }
    if action not in actions:
        raise ValidationError({"action": _("Choose what to do with the post.")})
    needs_reason = action in ("reject", "hide")
    if needs_reason:
        reason = _clean_text(reason, field="reason", limit=1000, label=_("A reason"))
    now = timezone.now()
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        allowed, target = actions[action]
        if locked.status not in allowed:
            raise ValidationError(_("Someone has already dealt with this post."))
        was_published = locked.status == Post.Status.PUBLISHED
        locked.status = target
        locked.reviewed_at = now
        fields = ["status", "reviewed_at"]
        if target == Post.Status.PUBLISHED and locked.published_at is None:
            locked.published_at = now
            fields.append("published_at")
        locked.save(update_fields=fields)
        Report.objects.filter(post=locked, handled_at__isnull=True).update(handled_at=now)
        if target == Post.Status.PUBLISHED and not was_published:
            Topic.objects.filter(pk=locked.topic_id).update(
                post_count=F("post_count") + 1, last_post_at=now
            )
            if action == "approve" and locked.author_id:
                Member.objects.filter(pk=locked.author_id).update(
                    approved_posts=F("approved_posts") + 1
                )
        elif was_published and target != Post.Status.PUBLISHED:
            Topic.objects.filter(pk=locked.topic_id).update(post_count=F("post_count") - 1)
        if locked.author is not None:
            _close_appeals(locked.author)
        event_action = {
            "approve": ModerationEvent.Action.APPROVE,
            "restore": ModerationEvent.Action.RESTORE,
            "reject": ModerationEvent.Action.REJECT,
            "hide": ModerationEvent.Action.HIDE,
            "keep": ModerationEvent.Action.APPROVE,
        }[action]
        _record(
            action=event_action,
            actor=by,
            post=locked,
            member=locked.author,
            reason=reason,
            told_member=needs_reason,
        )
        audit(action=f"forum.post.{action}", actor=by, post=str(locked.pk))
        _live(locked, seen_by_members=was_published or target == Post.Status.PUBLISHED)
    return locked


def peer_hide(*, post: Post, by: Member, reason: str) -> Post:
    """A peer supporter hides a post until a moderator has looked (it goes first among its
    risk in the queue)."""
    if by.kind != Member.Kind.PEER_SUPPORTER or by.is_restricted:
        raise PermissionDenied
    reason = _clean_text(reason, field="reason", limit=1000, label=_("A reason"))
    now = timezone.now()
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.status != Post.Status.PUBLISHED:
            raise ValidationError(_("This post is already with the moderators."))
        locked.status, locked.held = Post.Status.HIDDEN, Post.Held.PEER_SUPPORTER
        locked.reviewed_at = None
        locked.risk = Risk.RED if _rank(locked.risk) > _rank(Risk.RED) else locked.risk
        locked.review_due_at = now + timedelta(minutes=REVIEW_MINUTES[Risk(locked.risk)])
        locked.save(update_fields=["status", "held", "reviewed_at", "risk", "review_due_at"])
        Topic.objects.filter(pk=locked.topic_id).update(post_count=F("post_count") - 1)
        _record(
            action=ModerationEvent.Action.HIDE,
            actor=by.user,
            post=locked,
            member=locked.author,
            reason=reason,
            detail={"by": "peer_supporter"},
        )
        _live(locked, seen_by_members=True)
    return locked


def concern_send(*, post: Post, by: User, text) -> ModerationEvent:
    """A moderator's message of concern to the author of a post (shown to them privately in
    the forum, with their crisis plan and the crisis lines)."""
    _require_moderator(by)
    text = _clean_text(text, field="text", limit=2000, label=_("A message"))
    if post.author is None:
        raise ValidationError(_("The author of this post has left the forum."))
    return _record(
        action=ModerationEvent.Action.CONCERN,
        actor=by,
        post=post,
        member=post.author,
        reason=text,
        told_member=True,
    )


def member_state_set(
    *, member: Member, by: User, state: str, reason, until: datetime | None = None
) -> Member:
    """A restriction (or its end), always with a written reason that the member is sent."""
    _require_moderator(by)
    if state not in Member.State.values:
        raise ValidationError({"state": _("Choose a state from the list.")})
    reason = _clean_text(reason, field="reason", limit=1000, label=_("A reason"))
    if state == Member.State.MUTED:
        if until is None or until <= timezone.now() or until > timezone.now() + timedelta(days=90):
            raise ValidationError({"until": _("A mute lasts from an hour to 90 days.")})
    else:
        until = None
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        member.state, member.state_until = state, until
        member.save(update_fields=["state", "state_until"])
        _close_appeals(member)
        _record(
            action=ModerationEvent.Action.STATE,
            actor=by,
            member=member,
            reason=reason,
            told_member=True,
            detail={"state": state, "until": until.isoformat() if until else None},
        )
        audit(action="forum.member.state", actor=by, member=str(member.pk), state=state)
    return member


def _close_appeals(member: Member) -> None:
    for appeal in ModerationEvent.objects.filter(
        member=member, action=ModerationEvent.Action.APPEAL, detail__open=True
    ):
        appeal.detail = {**appeal.detail, "open": False}
        appeal.save(update_fields=["detail"])


def member_identity_lookup(*, member: Member, by: User, reason) -> User:
    """Who is behind a handle: safeguarding only (a moderator), with a written reason, and
    audited twice (the forum's record and the platform's audit trail)."""
    _require_moderator(by)
    reason = _clean_text(reason, field="reason", limit=1000, label=_("A reason"))
    _record(action=ModerationEvent.Action.LOOKUP, actor=by, member=member, reason=reason)
    audit(action="forum.member.identity_lookup", actor=by, member=str(member.pk))
    return member.user


TOPIC_ACTIONS = ("lock", "unlock", "pin", "unpin", "move")


def topic_moderate(*, topic: Topic, by: User, action: str, reason="", space: Space | None = None):
    """Close a topic to replies or open it again, pin it to the top of its space or not, or move
    it to another space. Recorded with the moderator's reason."""
    _require_moderator(by)
    if action not in TOPIC_ACTIONS:
        raise ValidationError({"action": _("Choose what to do with the topic.")})
    if action == "move" and (space is None or space.pk == topic.space_id):
        raise ValidationError({"space": _("Choose the space to move the topic to.")})
    reason = reason.strip() if isinstance(reason, str) else ""
    with transaction.atomic():
        locked = Topic.objects.select_for_update().get(pk=topic.pk)
        if action in ("lock", "unlock"):
            locked.locked = action == "lock"
        elif action in ("pin", "unpin"):
            locked.pinned = action == "pin"
        else:
            locked.space = space
        locked.save(update_fields=["locked", "pinned", "space"])
        first = locked.posts.order_by("created_at").first()
        _record(
            action=ModerationEvent.Action.TOPIC,
            actor=by,
            post=first,
            member=locked.author,
            reason=reason,
            detail={"topic": str(locked.pk), "change": action, "space": locked.space.slug},
        )
        audit(action=f"forum.topic.{action}", actor=by, topic=str(locked.pk))
        if first is not None:
            _live(first, seen_by_members=True)
    return locked


def appeal_send(*, member: Member, text) -> ModerationEvent:
    """A member asks the moderators to look again at a restriction or a decision about their
    post. It waits on the moderators' queue page until one answers by changing the state or the
    post (which the member is told, with the reason)."""
    text = _clean_text(text, field="text", limit=2000, label=_("An appeal"))
    if ModerationEvent.objects.filter(
        member=member, action=ModerationEvent.Action.APPEAL, detail__open=True
    ).exists():
        raise ValidationError(_("Your appeal is already with the moderators."))
    return _record(
        action=ModerationEvent.Action.APPEAL,
        member=member,
        reason=text,
        detail={"open": True},
    )


def post_edit(*, post: Post, by: User, body, reason) -> Post:
    """A moderator edits a post (to take out a name or a phone number, say) with a written
    reason that the author is sent; the original text is kept in the forum's record."""
    _require_moderator(by)
    body = _clean_text(body, field="body", limit=MAX_BODY, label=_("A post"))
    reason = _clean_text(reason, field="reason", limit=1000, label=_("A reason"))
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        original = locked.body
        if body == original:
            raise ValidationError({"body": _("The text is unchanged.")})
        locked.body, locked.edited_at = body, timezone.now()
        locked.save(update_fields=["body", "edited_at"])
        _record(
            action=ModerationEvent.Action.EDIT,
            actor=by,
            post=locked,
            member=locked.author,
            reason=reason,
            told_member=True,
            detail={"original": original},
        )
        audit(action="forum.post.edit", actor=by, post=str(locked.pk))
        _live(locked, seen_by_members=locked.status == Post.Status.PUBLISHED)
    return locked


def profile_report(*, member: Member, about: Member, reason: str, note: str = "") -> Report:
    """A member reports another member's profile (their forum name). Anonymous to the other
    member; one open report per member and profile."""
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    note = _clean_text(note, field="note", limit=500, label=_("A note")) if note else ""
    if about.pk == member.pk:
        raise ValidationError(_("This is your own profile."))
    try:
        with transaction.atomic():
            return Report.objects.create(member=about, reporter=member, reason=reason, note=note)
    except IntegrityError:
        raise ValidationError(_("You have reported this member already. Thank you.")) from None


def profile_report_handle(*, report: Report, by: User) -> Report:
    _require_moderator(by)
    Report.objects.filter(pk=report.pk, handled_at__isnull=True).update(handled_at=timezone.now())
    report.refresh_from_db()
    return report


# --- running the forum (forum admins) ------------------------------------------------------


def _require_forum_admin(user: User) -> None:
    if not (user.is_authenticated and user.is_active and user.is_forum_admin):
        raise PermissionDenied


MAX_SLOW_MODE = 24 * 60 * 60


def space_save(
    *,
    by: User,
    space: Space | None = None,
    title,
    description="",
    programme_slug="",
    mode=Mode.POST_MODERATED,
    slow_mode_seconds=0,
    position=0,
) -> Space:
    """Open a space or change one: its title and description, the programme it belongs to,
    its mode (post-moderated, pre-moderated, read only) and slow mode. Recorded, with what
    changed, in the forum's record and the audit trail."""
    _require_forum_admin(by)
    title = _clean_text(title, field="title", limit=120, label=_("A title"))
    description = (
        _clean_text(description, field="description", limit=1000, label=_("A description"))
        if description
        else ""
    )
    programme_slug = (programme_slug or "").strip()
    if programme_slug and slugify(programme_slug) != programme_slug:
        raise ValidationError({"programme_slug": _("Choose a programme from the list.")})
    if mode not in Mode.values:
        raise ValidationError({"mode": _("Choose a mode from the list.")})
    try:
        slow_mode_seconds = int(slow_mode_seconds or 0)
        position = int(position or 0)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter whole numbers.")) from None
    if not 0 <= slow_mode_seconds <= MAX_SLOW_MODE:
        raise ValidationError({"slow_mode_seconds": _("Slow mode is from 0 (off) to 24 hours.")})
    if not 0 <= position <= 10_000:
        raise ValidationError({"position": _("Enter a position from 0 to 10,000.")})
    values = {
        "title": title,
        "description": description,
        "programme_slug": programme_slug,
        "mode": mode,
        "slow_mode_seconds": slow_mode_seconds,
        "position": position,
    }
    with transaction.atomic():
        if space is None:
            base = slugify(title)[:50] or "space"
            slug, n = base, 1
            while Space.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            space = Space.objects.create(slug=slug, **values)
            changes = {"opened": True, **{k: v for k, v in values.items() if k != "description"}}
        else:
            space = Space.objects.select_for_update().get(pk=space.pk)
            changes = {
                key: value
                for key, value in values.items()
                if getattr(space, key) != value and key != "description"
            }
            if description != space.description:
                changes["description"] = True
            for key, value in values.items():
                setattr(space, key, value)
            space.save()
        _record(
            action=ModerationEvent.Action.SPACE,
            actor=by,
            detail={"space": space.slug, "changes": changes},
        )
        audit(action="forum.space.saved", actor=by, space=space.slug)
    return space


def programme_space_open(*, by: User, slug: str, title: str) -> Space:
    """A programme's own space, opened under the programme's title (once: a second call
    returns the space that is there)."""
    _require_forum_admin(by)
    existing = Space.objects.filter(programme_slug=slug).first()
    if existing is not None:
        return existing
    return space_save(
        by=by,
        title=title,
        description=_("For everyone in this programme: what helps, what is hard, small steps."),
        programme_slug=slug,
        position=Space.objects.count(),
    )


def member_kind_set(*, member: Member, by: User, kind: str, reason) -> Member:
    """A forum admin makes a member a peer supporter, or a member again. Professionals are
    clinicians and stay professionals."""
    _require_forum_admin(by)
    if kind not in (Member.Kind.MEMBER, Member.Kind.PEER_SUPPORTER):
        raise ValidationError({"kind": _("Choose a role from the list.")})
    reason = _clean_text(reason, field="reason", limit=1000, label=_("A reason"))
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.kind == Member.Kind.PROFESSIONAL:
            raise ValidationError(_("A professional keeps the professional badge."))
        if member.kind == kind:
            raise ValidationError({"kind": _("The member already has this role.")})
        if kind == Member.Kind.PEER_SUPPORTER and member.state != Member.State.ACTIVE:
            raise ValidationError(
                {"kind": _("Only an active member, with no restriction, can be a peer supporter.")}
            )
        member.kind = kind
        member.save(update_fields=["kind"])
        _record(
            action=ModerationEvent.Action.ROLE,
            actor=by,
            member=member,
            reason=reason,
            told_member=True,
            detail={"kind": kind},
        )
        audit(action="forum.member.kind", actor=by, member=str(member.pk), kind=kind)
    return member
