"""Reminders the person chooses, and the log of every one sent (docs/reminders.md)."""

from __future__ import annotations

import uuid
from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", _("A questionnaire is due")
    HABIT = "habit", _("Today's habit")
    CHECKIN = "checkin", _("The daily check-in")
    MESSAGE = "message", _("A new message or reply")
    SUGGESTION = "suggestion", _("A suggestion from your care team")


# Kinds that come at the person's chosen time of day; the others come when something arrives.
TIMED_KINDS = frozenset({Kind.QUESTIONNAIRE, Kind.HABIT, Kind.CHECKIN})


class Channel(models.TextChoices):
    PUSH = "push", _("A notification on my phone or computer")
    EMAIL = "email", _("An e-mail")


class Setting(models.Model):
    """One person's choice for one kind. No row: the kind's default (reminders.preferences)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    enabled = models.BooleanField(default=True)
    time_of_day = models.TimeField(null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="reminders_one_setting_per_kind"),
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="reminders_setting_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values),
                name="reminders_setting_channel_known",
            ),
        ]

    def __str__(self) -> str:
        return f"reminder setting {self.kind}"


class QuietHours(models.Model):
    """No reminder arrives between ``start`` and ``end`` (the person's local time; may span
    midnight). Anything due then waits until ``end``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours"
    )
    start = models.TimeField(default=time(21, 0))
    end = models.TimeField(default=time(8, 0))
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"quiet {self.start:%H:%M}-{self.end:%H:%M}"


class Delivery(models.Model):
    """One reminder: planned, then sent (or failed, or skipped), perhaps opened. The person
    sees this log; it holds no content, only the kind and the times."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")
        SKIPPED = "skipped", _("Not needed")
        OPENED = "opened", _("Opened")

    class Reason(models.TextChoices):
        NONE = "", ""
        DONE = "done", _("Already done")
        OFF = "off", _("Turned off")
        NO_ADDRESS = "no_address", _("No way to reach you")
        ERROR = "error", _("The sending service did not answer")
        INTERRUPTED = "interrupted", _("Sending was interrupted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What this reminder is about, so a second request for the same thing is the same row:
    # the local day for a daily reminder, the occurrence for a questionnaire.
    key = models.CharField(max_length=64)
    scheduled_for = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    reason = models.CharField(max_length=16, choices=Reason.choices, blank=True, default="")
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True, default="")
    fallback = models.BooleanField(default=False)  # e-mail because no push went through
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_for"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "key"], name="reminders_one_delivery_per_subject"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="reminders_delivery_kind_known"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "scheduled_for"]),
            models.Index(fields=["user", "-scheduled_for"]),
        ]

    def __str__(self) -> str:
        return f"reminder {self.pk} ({self.status})"


class PushSubscription(models.Model):
    """One browser's Web Push subscription. Ended when its session signs out, when the push
    service says it has expired (404 or 410), or when the person removes the device."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=64)
    device = models.CharField(_("device"), max_length=80, blank=True)
    # The signed-in session that made it (a digest, never the key): signing out ends it.
    session_digest = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"push subscription {self.pk}"
