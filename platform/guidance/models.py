"""Guidance time: the minutes a clinician spends on one patient's care.

One ``GuidanceEntry`` is one stretch of work by one clinician for one patient: a review, a
conversation, feedback on an exercise, co-setting a goal, handling an alert, or something
recorded by hand (a phone call). Automatic entries name their source (the review id, the
message id ...), unique per kind, so a retried request never counts twice.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guidance.conf import MANUAL_MAX_MINUTES


class GuidanceKind(models.TextChoices):
    REVIEW = "review", _("Review")
    MESSAGE = "message", _("Messages")
    FEEDBACK = "feedback", _("Feedback on the patient's work")
    GOAL_SETTING = "goal_setting", _("Goal setting")
    ALERT_HANDLING = "alert_handling", _("Handling an alert")
    OTHER = "other", _("Other (a call, a meeting)")


class GuidanceEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "care.Workspace", on_delete=models.CASCADE, related_name="guidance_entries"
    )
    membership = models.ForeignKey(
        "care.CareTeamMembership", on_delete=models.CASCADE, related_name="guidance_entries"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guidance_entries"
    )
    kind = models.CharField(_("kind of work"), max_length=20, choices=GuidanceKind.choices)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    # The last act folded into this entry (a conversation's latest message).
    last_activity_at = models.DateTimeField()
    acts = models.PositiveSmallIntegerField(default=1)
    # "<kind>:<id>" of what caused an automatic entry; empty for a manual one.
    source = models.CharField(max_length=160, blank=True, default="")
    manual = models.BooleanField(default=False)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    corrected_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name_plural = "guidance entries"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source"],
                condition=~models.Q(source=""),
                name="guidance_one_entry_per_source",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=MANUAL_MAX_MINUTES),
                name="guidance_minutes_range",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=GuidanceKind.values), name="guidance_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["clinician", "occurred_at"]),
            models.Index(fields=["workspace", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.minutes} min"
