"""Threads, messages, their edit history, read marks, presence and reply agreements.

The database is the source of truth for messaging: a message exists once it is committed, with a
per-thread ``sequence`` number that clients use to catch up after a lost connection.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MESSAGE_MAX_LENGTH = 4000
ATTACHMENTS_PER_MESSAGE = 3


class Thread(models.Model):
    """A conversation in one workspace: the whole care team, or the patient and one member."""

    class Kind(models.TextChoices):
        TEAM = "team", _("Whole care team")
        PRIVATE = "private", _("Private")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "care.Workspace", on_delete=models.CASCADE, related_name="message_threads"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # For a private thread: the care-team membership of the one clinician in it.
    membership = models.ForeignKey(
        "care.CareTeamMembership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="private_threads",
    )
    last_sequence = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    # Set when the patient writes and no clinician has answered since; cleared by a reply.
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(kind="team"),
                name="one_team_thread_per_workspace",
            ),
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(kind="private"),
                name="one_private_thread_per_membership",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="team", membership__isnull=True)
                    | models.Q(kind="private", membership__isnull=False)
                ),
                name="thread_kind_matches_membership",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} thread {self.pk}"


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    sequence = models.PositiveIntegerField()
    client_id = models.UUIDField()
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["thread", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "sequence"], name="message_sequence_unique"),
            models.UniqueConstraint(
                fields=["thread", "client_id"], name="message_client_id_unique"
            ),
            models.CheckConstraint(condition=models.Q(sequence__gte=1), name="message_seq_gte_1"),
        ]

    def __str__(self) -> str:
        return f"message {self.sequence} in {self.thread_id}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class Attachment(models.Model):
    """A picture or PDF sent with a message. The file lives in the private ``attachments``
    storage under a random name; ``name`` is the sender's file name, made safe, with the
    extension of the type found in the content. Kept in the record when its message is removed
    (like the text), deleted from storage when the row is deleted (erasure)."""

    class Type(models.TextChoices):
        PNG = "image/png", _("PNG picture")
        JPEG = "image/jpeg", _("JPEG picture")
        WEBP = "image/webp", _("WebP picture")
        PDF = "application/pdf", _("PDF document")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=40, choices=Type.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["message", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "position"], name="attachment_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(position__lt=ATTACHMENTS_PER_MESSAGE),
                name="attachment_position_within_limit",
            ),
            models.CheckConstraint(condition=models.Q(size__gte=1), name="attachment_not_empty"),
        ]

    def __str__(self) -> str:
        return f"attachment {self.pk} of {self.message_id}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class MessageRevision(models.Model):
    """The text a message had before an edit or a removal: nothing leaves the record silently."""

    class Reason(models.TextChoices):
        EDITED = "edited", _("Edited")
        REMOVED = "removed", _("Removed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.reason} {self.message_id}"


class ReadMark(models.Model):
    """How far one participant has read in one thread (the highest sequence seen)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["thread", "user"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="one_read_mark_per_user"),
        ]

    def __str__(self) -> str:
        return f"read {self.last_read_sequence} in {self.thread_id}"


class Presence(models.Model):
    """Whether a clinician has a live socket open, and when they were last seen."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="presence"
    )
    open_sockets = models.PositiveIntegerField(default=0)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user"]

    def __str__(self) -> str:
        return f"presence of {self.user_id}"


class LiveSocket(models.Model):
    """One open live socket, so that a session's sockets can be counted by every server process
    (``LIVE_SOCKETS_PER_SESSION``). The row goes when the socket closes; ``seen_at`` moves with
    the socket's heartbeats, and a row whose socket fell silent (its process died) stops
    counting after ``LIVE_SOCKET_SILENT_SECONDS``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_sockets"
    )
    # A one-way fingerprint of the session key (accounts.sessions), never the key.
    session = models.CharField(max_length=32)
    seen_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["session", "seen_at"], name="live_socket_session_seen")]

    def __str__(self) -> str:
        return f"live socket {self.pk}"


class ReplyAgreement(models.Model):
    """What a patient may expect from one care-team member: reply time and office hours.

    Set by the clinician; the patient acknowledges it. A changed agreement needs a new
    acknowledgement.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    membership = models.OneToOneField(
        "care.CareTeamMembership", on_delete=models.CASCADE, related_name="reply_agreement"
    )
    reply_within_working_days = models.PositiveSmallIntegerField(
        _("replies within (working days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    office_hours = models.CharField(_("office hours"), max_length=120, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reply_within_working_days__gte=1)
                & models.Q(reply_within_working_days__lte=10),
                name="agreement_reply_days_range",
            )
        ]

    def __str__(self) -> str:
        return f"agreement for {self.membership_id}"


class PendingNotice(models.Model):
    """Someone has a new message they have not been told about by e-mail yet.

    One row per person, whatever the number of messages or threads: a burst of messages moves
    ``last_message_at`` on the same row (``INSERT ... ON CONFLICT DO UPDATE``), it never adds
    rows. ``send_message_notifications`` claims the rows that have been quiet long enough,
    deletes them and sends one e-mail each (``messaging.notifications``). The row holds no
    message text and no thread: only who is to be told and since when.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    first_message_at = models.DateTimeField()
    last_message_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["first_message_at"]
        indexes = [models.Index(fields=["last_message_at"], name="pending_notice_last_idx")]

    def __str__(self) -> str:
        return f"pending notice for {self.recipient_id}"
