"""What the forum shows, to members and moderators. Flat in queries: a list costs the same
for 2 topics or 50, a topic the same for 2 posts or 50."""

from __future__ import annotations

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from forum.models import (
    RISK_RANK,
    ContentWarning,
    Member,
    ModerationEvent,
    Post,
    Reaction,
    Report,
    Risk,
    Space,
    Topic,
)


def member_of(user) -> Member | None:
    """The user's forum membership: a patient's, or a clinician's professional one."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not (user.is_patient or user.is_clinician):
        return None
    return Member.objects.filter(user=user).first()


def spaces() -> QuerySet[Space]:
    return Space.objects.all()


def spaces_with_counts(member: Member) -> QuerySet[Space]:
    """Every space with the number of topics the member can see. One query."""
    return Space.objects.annotate(
        topic_count=Count("topics", filter=Q(topics__post_count__gt=0) | Q(topics__author=member))
    ).order_by("position", "title")


def space_by_slug(slug: str) -> Space:
    space = Space.objects.filter(slug=slug).first()
    if space is None:
        raise Http404
    return space


def _visible_topics(member: Member) -> Q:
    """A topic shows once its first post is published; its author sees it while it waits."""
    return Q(post_count__gt=0) | Q(author=member)


def topics_in(space: Space, member: Member) -> QuerySet[Topic]:
    return (
        space.topics.filter(_visible_topics(member))
        .exclude(title="", post_count=0)
        .select_related("author")
        .order_by("-pinned", "-last_post_at")
    )


def topic_for_member(topic_id, member: Member) -> Topic:
    topic = (
        Topic.objects.filter(pk=topic_id)
        .filter(_visible_topics(member))
        .select_related("space", "author")
        .first()
    )
    if topic is None:
        raise Http404
    return topic


def posts_in(topic: Topic, member: Member) -> QuerySet[Post]:
    """Published posts, hidden ones (shown as hidden), and the member's own that wait."""
    return (
        topic.posts.filter(
            Q(status__in=[Post.Status.PUBLISHED, Post.Status.HIDDEN])
            | Q(author=member, status=Post.Status.PENDING)
        )
        .select_related("author")
        .annotate(helped_by_me=Exists(Reaction.objects.filter(post=OuterRef("pk"), member=member)))
        .order_by("created_at")
    )


def post_for_member(post_id, member: Member) -> Post:
    post = (
        Post.objects.filter(pk=post_id)
        .filter(Q(status=Post.Status.PUBLISHED) | Q(author=member))
        .select_related("topic__space", "author")
        .first()
    )
    if post is None:
        raise Http404
    return post


def muted(post: Post, member: Member) -> bool:
    body = post.body.casefold()
    return any(word.casefold() in body for word in member.mute_words)


def notices_for(member: Member) -> QuerySet[ModerationEvent]:
    """What the moderators told this member (reasons for restrictions, messages of concern)."""
    return member.moderation.filter(told_member=True).select_related("post__topic")


def queue(now=None) -> list[Post]:
    """The posts waiting for a moderator: crisis first; then whatever is past its review time,
    longest overdue first (so amber never starves behind a stream of red); then by risk and
    time."""
    now = now or timezone.now()
    rank = Case(
        *[When(risk=risk, then=Value(RISK_RANK[risk])) for risk in Risk],
        output_field=IntegerField(),
    )
    overdue = Case(
        When(risk=Risk.CRISIS, then=Value(0)),
        When(review_due_at__lte=now, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(
        Post.objects.filter(reviewed_at__isnull=True, review_due_at__isnull=False)
        .exclude(status=Post.Status.REJECTED)
        .annotate(overdue=overdue, rank=rank)
        .select_related("topic__space", "author")
        .order_by("overdue", "rank", "review_due_at", "created_at")
    )


def held_post_for_author(post_id, member: Member) -> Post:
    post = Post.objects.filter(pk=post_id, author=member).select_related("topic__space").first()
    if post is None:
        raise Http404
    return post


# --- moderators ----------------------------------------------------------------------------


def post_for_moderator(post_id) -> Post:
    post = (
        Post.objects.filter(pk=post_id)
        .select_related("topic__space", "author")
        .prefetch_related("reports")
        .first()
    )
    if post is None:
        raise Http404
    return post


def topic_for_moderator(topic_id) -> Topic:
    topic = Topic.objects.filter(pk=topic_id).select_related("space").first()
    if topic is None:
        raise Http404
    return topic


def topic_posts_for_moderator(topic: Topic) -> QuerySet[Post]:
    return topic.posts.select_related("author").order_by("created_at")


def member_for_moderator(member_id) -> Member:
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


def labelled(posts: list[Post]) -> list[Post]:
    """The posts, each with ``warning_labels``: its content warnings in the reader's language."""
    for post in posts:
        post.warning_labels = [
            str(ContentWarning(w).label) for w in post.content_warnings
            if w in ContentWarning.values
        ]  # fmt: skip
    return posts


def latest_topics_by_space(member: Member, per_space: int = 10) -> list[tuple[Space, list]]:
    """Every space with its latest topics that the member can see. Two queries, whatever the
    number of spaces."""
    rooms = list(Space.objects.order_by("position", "title"))
    topics = (
        Topic.objects.filter(_visible_topics(member))
        .exclude(title="", post_count=0)
        .select_related("author")
        .order_by("-pinned", "-last_post_at")[: per_space * max(len(rooms), 1) * 4]
    )
    by_space: dict = {room.pk: [] for room in rooms}
    for topic in topics:
        shown = by_space.get(topic.space_id)
        if shown is not None and len(shown) < per_space:
            shown.append(topic)
    return [(room, by_space[room.pk]) for room in rooms]


def space_history(space: Space, limit: int = 20) -> list[ModerationEvent]:
    """The space's changes (who changed what, when), newest first."""
    return list(
        ModerationEvent.objects.filter(
            action=ModerationEvent.Action.SPACE, detail__space=space.slug
        ).select_related("actor")[:limit]
    )


def member_history(member: Member) -> QuerySet[ModerationEvent]:
    """The member's record: every decision about them or their posts, newest first."""
    return ModerationEvent.objects.filter(member=member).select_related("actor", "post")


STRIKE_ACTIONS = (
    ModerationEvent.Action.REJECT,
    ModerationEvent.Action.HIDE,
    ModerationEvent.Action.AUTO_HIDE,
)
RESTRICTING_STATES = (
    Member.State.PRE_MODERATED,
    Member.State.MUTED,
    Member.State.SUSPENDED,
    Member.State.REMOVED,
)


def is_strike(event: ModerationEvent) -> bool:
    """A strike against a member: a post of theirs not published or hidden (by a moderator or
    after reports), or a restriction of their state. A peer supporter's hide is not one until a
    moderator agrees."""
    if event.action in STRIKE_ACTIONS:
        return event.detail.get("by") != "peer_supporter"
    return (
        event.action == ModerationEvent.Action.STATE
        and event.detail.get("state") in RESTRICTING_STATES
    )


def member_posts(member: Member, limit: int = 20) -> list[Post]:
    return list(member.posts.select_related("topic").order_by("-created_at")[:limit])


def posts_for_alert(*, workspace, source_ids) -> list[Post]:
    """The patient's own posts that raised a care-team alert (``forum-post:<id>`` sources)."""
    ids = [s.split(":", 1)[1] for s in source_ids if s.startswith("forum-post:")]
    return list(
        Post.objects.filter(pk__in=ids, author__user__workspace=workspace)
        .select_related("topic__space")
        .order_by("created_at")
    )


def open_appeals() -> list[ModerationEvent]:
    return list(
        ModerationEvent.objects.filter(action=ModerationEvent.Action.APPEAL, detail__open=True)
        .select_related("member")
        .order_by("created_at")
    )


def open_profile_reports() -> list[Report]:
    return list(
        Report.objects.filter(member__isnull=False, handled_at__isnull=True)
        .select_related("member")
        .order_by("created_at")
    )


def member_by_id(member_id) -> Member:
    """Another member, as members see them: the handle only."""
    member = Member.objects.filter(pk=member_id).exclude(state=Member.State.REMOVED).first()
    if member is None:
        raise Http404
    return member


def profile_report_for_moderator(report_id) -> Report:
    report = Report.objects.filter(pk=report_id, member__isnull=False).first()
    if report is None:
        raise Http404
    return report
