"""Questionnaire responses, safety events, schedules, reminders and the personal measure."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from care.models import Workspace
from measures.definitions import SOURCE_LANGUAGE, TRANSLATED_LANGUAGES


class Response(models.Model):
    """One attempt at one questionnaire. Answers are saved as the patient goes; the total is
    set only when the instrument's rules allow one (never from missing answers)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="measure_responses"
    )
    instrument = models.CharField(max_length=32)  # a definition code, e.g. "phq9"
    instrument_version = models.CharField(max_length=16)
    # The language of the version shown when the answers were last saved ("en", "da", "nb"):
    # the one ``measures.definitions.version_for`` chose, not merely the reader's language.
    language = models.CharField(max_length=8, default=SOURCE_LANGUAGE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    # item number (as a string key) -> option value, or "na" for "does not apply to me"
    answers = models.JSONField(default=dict, blank=True)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=32, blank=True)
    prorated = models.BooleanField(default=False)
    reminder = models.ForeignKey(
        "measures.Reminder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "instrument"],
                condition=Q(status="in_progress"),
                name="measures_one_open_response_per_instrument",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["in_progress", "completed"]),
                name="measures_response_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress", completed_at__isnull=True)
                | Q(status="completed", completed_at__isnull=False),
                name="measures_response_completed_at_with_status",
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(status="completed"),
                name="measures_response_total_only_when_completed",
            ),
            models.CheckConstraint(
                condition=Q(language__in=[SOURCE_LANGUAGE, *TRANSLATED_LANGUAGES]),
                name="measures_response_language_known",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "instrument", "-completed_at"])]

    def __str__(self) -> str:
        return f"{self.instrument} response {self.pk}"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class SafetyEvent(models.Model):
    """A risk answer (PHQ-9 item 9 above 0). Created in the same transaction as the answer;
    stays open until someone in the care team acknowledges it. ``value`` is the highest answer
    given; ``history`` every answer to the item while the response was open, in order
    (``[{"value": 1, "at": "<iso time>"}, ...]``): changing an answer down never hides a
    higher one."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="measure_safety_events"
    )
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="safety_events")
    rule = models.CharField(max_length=32)  # e.g. "phq9_item9"
    item = models.PositiveSmallIntegerField()
    value = models.PositiveSmallIntegerField()
    history = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "rule"], name="measures_one_safety_event_per_rule"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "acknowledged"]),
                name="measures_safety_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "status"])]

    def __str__(self) -> str:
        return f"{self.rule} ({self.status})"


class Schedule(models.Model):
    """When one instrument is due in one workspace: at the start, every N weeks, at the end."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="measure_schedules"
    )
    instrument = models.CharField(max_length=32)
    starts_on = models.DateField()
    at_start = models.BooleanField(default=True)
    every_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    at_end = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["instrument", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "instrument"], name="measures_one_schedule_per_instrument"
            ),
            models.CheckConstraint(
                condition=Q(every_weeks__isnull=True) | Q(every_weeks__gte=1, every_weeks__lte=52),
                name="measures_schedule_interval_valid",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="measures_schedule_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(at_end=False) | Q(ends_on__isnull=False),
                name="measures_schedule_at_end_needs_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} schedule {self.pk}"


class Reminder(models.Model):
    """One occurrence of a schedule and the reminder about it: the delivery log."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        OPENED = "opened", _("Opened")
        COMPLETED = "completed", _("Completed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="measure_reminders"
    )
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    channel = models.CharField(max_length=16, default="email")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-due_on", "-scheduled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "due_on"], name="measures_one_reminder_per_occurrence"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "sent", "opened", "completed"]),
                name="measures_reminder_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "-due_on"])]

    def __str__(self) -> str:
        return f"reminder {self.pk} ({self.status})"


class PersonalItem(models.Model):
    """One of up to three things that matter to the patient, rated 0-10 at each check."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="measure_personal_items"
    )
    text = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()
    archived_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "position"],
                condition=Q(archived_at__isnull=True),
                name="measures_one_personal_item_per_position",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=3),
                name="measures_personal_item_position_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        return f"personal item {self.pk}"


class PersonalCheck(models.Model):
    """One rating of the patient's things that matter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="measure_personal_checks"
    )
    client_id = models.UUIDField(null=True, blank=True)  # a retried submit is stored once
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "client_id"], name="measures_personal_check_client_id"
            ),
        ]

    def __str__(self) -> str:
        return f"personal check {self.pk}"


class PersonalRating(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    personal_check = models.ForeignKey(
        PersonalCheck, on_delete=models.CASCADE, related_name="ratings"
    )
    item = models.ForeignKey(PersonalItem, on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["personal_check", "item__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["personal_check", "item"], name="measures_one_rating_per_item"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=10), name="measures_rating_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"rating {self.pk}"
