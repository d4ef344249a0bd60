"""Alerts that close the loop, and the cadence of each care relationship.

* ``Alert``: something a clinician should look at (inactivity, deterioration, a risk answer, a
  reply past its agreed time, an overdue review). Lifecycle open -> acknowledged -> resolved;
  an urgent alert nobody acknowledges escalates. At most one *unresolved* alert of a kind per
  workspace (per care relationship for the relationship kinds), enforced by the database.
* ``AlertTrigger``: each source (an event id, a rule's reason) that raised or repeated an alert;
  unique per (workspace, kind, source), which makes ``alert_raise`` idempotent per source.
* ``CareCadence``: per care relationship, how many quiet days make an inactivity alert and how
  often the clinician reviews the patient; the next review date.
* ``Review``: a review the clinician recorded (a short note, optionally shared with the patient).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.conf import DEFAULT_INACTIVITY_DAYS, DEFAULT_REVIEW_INTERVAL_DAYS


class AlertKind(models.TextChoices):
    INACTIVITY = "inactivity", _("No recent activity")
    DETERIORATION = "deterioration", _("Scores getting worse")
    RISK = "risk", _("Risk answer")
    REPLY_OVERDUE = "reply_overdue", _("Reply overdue")
    REVIEW_OVERDUE = "review_overdue", _("Review overdue")
    SEVERE_SCORE = "severe_score", _("Very high first score")
    # A post in the peer support forum held for words that may mean risk, or reported as
    # "someone may be at risk", where the patient agreed to their care team being told.
    FORUM = "forum", _("Forum post that may show risk")


# Kinds about one care relationship (one clinician's review, one agreed reply time): one open
# alert per relationship. The other kinds concern the patient: one open alert per workspace.
RELATIONSHIP_KINDS = frozenset({AlertKind.REPLY_OVERDUE, AlertKind.REVIEW_OVERDUE})
WORKSPACE_KINDS = frozenset(AlertKind) - RELATIONSHIP_KINDS

# The consent section whose data an alert reveals: only members it is shared with see the alert.
# ``None``: every active member may see it: the relationship kinds, and the risk alert, because
# safety information is not a shareable section (docs/measures.md): whatever the patient shares,
# the care team is told when they might harm themselves, and sees the safety details only.
DEFAULT_SECTION = {
    AlertKind.INACTIVITY: "progress",
    AlertKind.DETERIORATION: "measures",
    AlertKind.SEVERE_SCORE: "measures",
    AlertKind.RISK: None,
    AlertKind.REPLY_OVERDUE: None,
    AlertKind.REVIEW_OVERDUE: None,
    AlertKind.FORUM: None,
}


class Alert(models.Model):
    class Severity(models.TextChoices):
        URGENT = "urgent", _("Urgent")
        ROUTINE = "routine", _("Routine")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    class Escalation(models.IntegerChoices):
        NONE = 0, _("Not escalated")
        CARE_TEAM = 1, _("Escalated to the care team")
        DUTY_CONTACT = 2, _("Escalated to the duty contact")

    UNRESOLVED = (Status.OPEN, Status.ACKNOWLEDGED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey("care.Workspace", on_delete=models.CASCADE, related_name="alerts")
    # The responsible care relationship: the clinician told first; escalation goes beyond them.
    membership = models.ForeignKey(
        "care.CareTeamMembership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
    )
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    section = models.CharField(max_length=32, blank=True, default="")
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField(blank=True, max_length=2000)
    escalation_level = models.PositiveSmallIntegerField(
        choices=Escalation.choices, default=Escalation.NONE
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The escalation clock: when the alert (re)opened. A new risk answer re-opens an
    # acknowledged alert and restarts escalation from the lead.
    opened_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The organisations whose duty contacts this alert reached (or waits for, when none has a
    # duty contact yet): their duty contacts may open it.
    duty_organisations = models.ManyToManyField(
        "accounts.Organisation", blank=True, related_name="+"
    )
    # Set while nobody at all could be told (no care team, no duty contact): the alert waits in
    # the unassigned-risk queue of the organisations above (or of the service, when empty).
    unassigned_at = models.DateTimeField(null=True, blank=True)
    # When the lead (or their cover) was told, at once for an urgent alert; empty while there
    # was no care team to tell.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind"],
                condition=models.Q(status__in=["open", "acknowledged"])
                & models.Q(kind__in=sorted(WORKSPACE_KINDS)),
                name="one_unresolved_alert_per_kind_per_workspace",
            ),
            models.UniqueConstraint(
                fields=["workspace", "kind", "membership"],
                condition=models.Q(status__in=["open", "acknowledged"])
                & models.Q(kind__in=sorted(RELATIONSHIP_KINDS)),
                name="one_unresolved_alert_per_kind_per_relationship",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=AlertKind.values), name="alert_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(severity__in=["urgent", "routine"]), name="alert_severity_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "acknowledged", "resolved"]),
                name="alert_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="resolved") | models.Q(resolved_at__isnull=False),
                name="resolved_alert_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(acknowledged_at__isnull=False),
                name="acknowledged_alert_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "status"]),
            models.Index(fields=["status", "severity", "escalation_level"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"

    @property
    def is_unresolved(self) -> bool:
        return self.status in self.UNRESOLVED

    @property
    def is_urgent(self) -> bool:
        return self.severity == self.Severity.URGENT


class AlertTrigger(models.Model):
    """One source that raised (or repeated) an alert: ids and codes only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="triggers")
    workspace = models.ForeignKey("care.Workspace", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    source_id = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "source_id"], name="one_trigger_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.source_id}"


class CareCadence(models.Model):
    """The rhythm of one care relationship, set by its clinician."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    membership = models.OneToOneField(
        "care.CareTeamMembership", on_delete=models.CASCADE, related_name="cadence"
    )
    inactivity_days = models.PositiveSmallIntegerField(
        _("days without activity before an alert"),
        default=DEFAULT_INACTIVITY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    review_interval_days = models.PositiveSmallIntegerField(
        _("review every (days)"),
        default=DEFAULT_REVIEW_INTERVAL_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(inactivity_days__gte=1, inactivity_days__lte=90),
                name="cadence_inactivity_days_range",
            ),
            models.CheckConstraint(
                condition=models.Q(review_interval_days__gte=1, review_interval_days__lte=365),
                name="cadence_review_interval_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Cadence of {self.membership_id}"


class Review(models.Model):
    """A review of the patient recorded by a clinician of the care team."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    membership = models.ForeignKey(
        "care.CareTeamMembership", on_delete=models.CASCADE, related_name="reviews"
    )
    workspace = models.ForeignKey("care.Workspace", on_delete=models.CASCADE, related_name="+")
    note = models.TextField(_("note"), max_length=2000)
    shared_with_patient = models.BooleanField(_("share this note with the patient"), default=False)
    next_review_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Review {self.pk}"
