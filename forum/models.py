"""The peer support forum: spaces, members under a handle, topics, posts, reports, reactions
and the moderation record (docs/forum.md).

A member is a patient under a handle that is never shown with their name. Nothing here holds
a name or an e-mail: pages, the API and live frames show the handle, and the link from handle
to person is read only through :func:`forum.services.member_identity_lookup`, which requires a
reason and is audited.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    POST_MODERATED = "post", _("Published at once, moderated after")
    PRE_MODERATED = "pre", _("Read by a moderator before it is published")
    READ_ONLY = "read_only", _("Read only")


class Space(models.Model):
    """A room of the forum: a general one, and one per programme."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # The programme a space belongs to (its slug: the forum does not depend on content's rows).
    programme_slug = models.SlugField(max_length=100, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.POST_MODERATED)
    # Seconds a member waits between posts in this space (0: no slow mode).
    slow_mode_seconds = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class Member(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        PEER_SUPPORTER = "peer_supporter", _("Peer supporter")
        # A GP or therapist taking part under a forum name with a professional badge, never
        # under their clinical account's name.
        PROFESSIONAL = "professional", _("Professional")

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        PRE_MODERATED = "premoderated", _("Posts read before they are published")
        MUTED = "muted", _("Muted for a time")
        SUSPENDED = "suspended", _("Suspended")
        REMOVED = "removed", _("Removed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_member"
    )
    handle = models.CharField(_("forum name"), max_length=30)
    # The handle folded for comparison: "Quiet Fox" and "quiet fox" are one name.
    handle_key = models.CharField(max_length=30, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MEMBER)
    state = models.CharField(max_length=15, choices=State.choices, default=State.ACTIVE)
    state_until = models.DateTimeField(null=True, blank=True)
    # Agreed when joining: a post that may show risk raises an alert to the care team.
    care_team_alerts = models.BooleanField(default=False)
    rules_version = models.CharField(max_length=20)
    joined_at = models.DateTimeField(default=timezone.now)
    # Posts a moderator has let through: a new member's first posts are read first.
    approved_posts = models.PositiveIntegerField(default=0)
    last_posted_at = models.DateTimeField(null=True, blank=True)
    mute_words = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.handle

    @property
    def is_restricted(self) -> bool:
        return self.state in (self.State.SUSPENDED, self.State.REMOVED) or (
            self.state == self.State.MUTED
            and (self.state_until is None or self.state_until > timezone.now())
        )


class Topic(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(_("title"), max_length=150)
    # None once the author's account is erased: shown as "a former member".
    author = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="topics"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_post_at = models.DateTimeField(default=timezone.now, db_index=True)
    locked = models.BooleanField(default=False)
    pinned = models.BooleanField(default=False)
    # Published posts, kept by the services for the lists.
    post_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-pinned", "-last_post_at"]

    def __str__(self) -> str:
        return self.title or str(self.pk)


class Risk(models.TextChoices):
    CRISIS = "crisis", _("Crisis: someone may be at risk")
    RED = "red", _("Red: harmful")
    AMBER = "amber", _("Amber: needs a look")
    GREEN = "green", _("Green: routine")


# Lower sorts first in the queue; the minutes within which a moderator should have looked.
RISK_RANK = {Risk.CRISIS: 0, Risk.RED: 1, Risk.AMBER: 2, Risk.GREEN: 3}
REVIEW_MINUTES = {Risk.CRISIS: 15, Risk.RED: 60, Risk.AMBER: 240, Risk.GREEN: 24 * 60}


class ContentWarning(models.TextChoices):
    SELF_HARM = "self_harm", _("Self-harm")
    SUICIDE = "suicide", _("Suicidal thoughts")
    ABUSE = "abuse", _("Abuse")
    EATING = "eating", _("Eating and food")
    LOSS = "loss", _("Loss and grief")
    MEDICAL = "medical", _("Medical details")


class Post(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a moderator")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")
        REJECTED = "rejected", _("Not published")

    class Held(models.TextChoices):
        NONE = "", _("Not held")
        FIRST_POSTS = "first_posts", _("A new member's first posts")
        SPACE = "space", _("The space is pre-moderated")
        MEMBER = "member", _("The member's posts are read first")
        OUT_OF_HOURS = "out_of_hours", _("Written outside the moderators' hours")
        WATCHED_TERM = "watched_term", _("Words that may mean someone is at risk")
        REPORTS = "reports", _("Reported by members")
        PEER_SUPPORTER = "peer_supporter", _("Hidden by a peer supporter")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    body = models.TextField(_("post"))
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    held = models.CharField(max_length=20, choices=Held.choices, blank=True, default="")
    risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.GREEN)
    # Ids of the watched terms that matched (never the text around them).
    watched_terms = models.JSONField(default=list, blank=True)
    content_warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # When a moderator should have looked at it (by risk), while it waits in the queue.
    review_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    report_count = models.PositiveIntegerField(default=0)
    helped_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["topic", "status", "created_at"])]

    def __str__(self) -> str:
        return f"post {self.pk}"

    @property
    def in_queue(self) -> bool:
        return self.reviewed_at is None and self.review_due_at is not None


class Report(models.Model):
    class Reason(models.TextChoices):
        AT_RISK = "at_risk", _("Someone may be at risk")
        HARMFUL = "harmful", _("Hurtful or harmful")
        RULES = "rules", _("Against the house rules")
        SPAM = "spam", _("Spam or advertising")
        OTHER = "other", _("Something else")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A report is about a post, or about a member's profile (their forum name): one of the two.
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="reports", null=True, blank=True
    )
    member = models.ForeignKey(
        "Member", on_delete=models.CASCADE, related_name="reports_about", null=True, blank=True
    )
    # The reporter stays anonymous to everyone but moderators; None once erased.
    reporter = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports_made"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(reporter__isnull=False, post__isnull=False),
                name="forum_one_report_per_member_and_post",
            ),
            models.UniqueConstraint(
                fields=["member", "reporter"],
                condition=Q(reporter__isnull=False, member__isnull=False, handled_at__isnull=True),
                name="forum_one_open_report_per_member_and_profile",
            ),
            models.CheckConstraint(
                condition=Q(post__isnull=False, member__isnull=True)
                | Q(post__isnull=True, member__isnull=False),
                name="forum_report_is_about_a_post_or_a_profile",
            ),
        ]

    def __str__(self) -> str:
        return f"report {self.pk} ({self.reason})"


class Reaction(models.Model):
    """ "This helped": one per member and post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="reactions")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "member"], name="forum_one_reaction")
        ]

    def __str__(self) -> str:
        return f"helped {self.post_id}"


class ModerationEvent(models.Model):
    """Every moderation decision, and every restriction with its written reason (sent to the
    member). Kept when the post or member goes (the record of what was done)."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Published")
        REJECT = "reject", _("Not published")
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Shown again")
        AUTO_HIDE = "auto_hide", _("Hidden after reports")
        HOLD = "hold", _("Held for a moderator")
        CONCERN = "concern", _("Message of concern sent")
        STATE = "state", _("Member's state changed")
        ALERT = "alert", _("Care team alerted")
        LOOKUP = "lookup", _("Identity looked up")
        TOPIC = "topic", _("Topic changed")
        APPEAL = "appeal", _("Appeal from the member")
        EDIT = "edit", _("Edited by a moderator")
        SPACE = "space", _("Space changed")
        ROLE = "role", _("Member's role changed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    action = models.CharField(max_length=15, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="moderation"
    )
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="moderation"
    )
    reason = models.TextField(blank=True)
    # What the member was told (a restriction's reason, a message of concern), if anything.
    told_member = models.BooleanField(default=False)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M}"
