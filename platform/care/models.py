"""The patient-owned workspace, its care team, consent, the access log and the audit trail."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from care.sections import SHARE_PERMISSIONS, Section


class Workspace(models.Model):
    """One patient's programme workspace. The patient owns it and decides who sees what."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspace"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        # Consent switches: held as object permissions, never as global ones.
        permissions = SHARE_PERMISSIONS
        default_permissions = ()

    def __str__(self) -> str:
        return f"Workspace {self.pk}"


class WorkspaceUserObjectPermission(UserObjectPermissionBase):
    """guardian's direct foreign-key table: one row per (member, section) that is shared."""

    content_object = models.ForeignKey(Workspace, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class WorkspaceGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Workspace, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        pass


class CareTeamMembership(models.Model):
    class Role(models.TextChoices):
        GP = "gp", _("GP")
        THERAPIST = "therapist", _("Therapist")

    class Status(models.TextChoices):
        INVITED = "invited", _("Waiting for the patient's consent")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        DECLINED = "declined", _("Declined")

    class EndReason(models.TextChoices):
        NONE = "", _("Not ended")
        REMOVED = "removed", _("Removed by the patient")
        LEFT = "left", _("Left, or the invitation was withdrawn")
        COVER_OVER = "cover_over", _("The cover ended")
        COURSE_ENDED = "course_ended", _("The course of care ended")

    # THE lifecycle: the only moves a membership's status may make (care.services
    # ``membership_transition`` applies them; ``save`` refuses any other). Ended and declined
    # are final: a clinician comes back only through a new invitation that the patient accepts.
    TRANSITIONS = frozenset(
        {
            (Status.INVITED, Status.ACTIVE),
            (Status.INVITED, Status.DECLINED),
            (Status.INVITED, Status.ENDED),
            (Status.ACTIVE, Status.ENDED),
        }
    )
    CLOSED = (Status.ENDED, Status.DECLINED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(
        max_length=12, choices=EndReason.choices, blank=True, default=EndReason.NONE
    )
    # A colleague's cover (see Cover): access stops at ``ends_at`` whatever the status says
    # (care.policies), and the periodic job then ends the membership.
    cover = models.ForeignKey(
        "care.Cover", on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships"
    )
    ends_at = models.DateTimeField(null=True, blank=True)
    # The patient keeps this clinician on when a course of care ends (docs/courses.md); every
    # other membership ends with the course.
    kept_after_course = models.BooleanField(default=False)

    class Lead(models.TextChoices):
        NOT_LEAD = "", _("Not the lead")
        PRESCRIBER = "prescriber", _("Lead, as the prescriber")
        CHOSEN = "chosen", _("Lead, chosen")

    # The named lead of the care team: told at once of a risk alert (docs/alerts.md). At most
    # one open membership carries it; ``care.policies.lead_membership`` falls back to the
    # longest-standing member when nobody does (or the lead has left).
    lead = models.CharField(max_length=12, choices=Lead.choices, blank=True, default="")

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "clinician"],
                condition=~models.Q(status__in=["ended", "declined"]),
                name="one_open_membership_per_clinician",
            ),
            models.UniqueConstraint(
                fields=["workspace"],
                condition=~models.Q(status__in=["ended", "declined"]) & ~models.Q(lead=""),
                name="one_lead_per_care_team",
            ),
            models.CheckConstraint(
                condition=models.Q(lead__in=["", "prescriber", "chosen"]),
                name="membership_lead_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["invited", "active", "ended", "declined"]),
                name="membership_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["clinician", "status"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.workspace_id} ({self.status})"

    def save(self, *args, **kwargs):
        """Refuse a status change outside ``TRANSITIONS``, whoever saves (a service, a shell, an
        admin form): an ended or declined membership never becomes active again."""
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and (update_fields is None or "status" in update_fields):
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored not in (None, self.status) and (stored, self.status) not in self.TRANSITIONS:
                raise ValidationError(
                    _("A care-team membership cannot go from %(old)s to %(new)s.")
                    % {"old": stored, "new": self.status}
                )
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE and (
            self.ends_at is None or self.ends_at > timezone.now()
        )


class Cover(models.Model):
    """A clinician away hands their caseload to a colleague of the same organisation for a
    period. The colleague joins each care team as a cover member (CareTeamMembership.cover)
    from ``starts_at`` to ``ends_at``; the dates are the inclusive days the clinician chose,
    the datetimes their bounds in the absent clinician's time zone."""

    MAX_DAYS = 90

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    absent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="covers_given"
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="covers_received"
    )
    starts_on = models.DateField(_("first day away"))
    ends_on = models.DateField(_("last day away"))
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(_("note to patients"), max_length=280, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cover_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="cover_end_time_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(absent=models.F("colleague")),
                name="cover_not_by_oneself",
            ),
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"Cover {self.pk} ({self.starts_on} to {self.ends_on})"


class Invitation(models.Model):
    """A clinician's invitation of a patient by e-mail: signed, expiring, single-use."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation {self.pk}"


SECTION_OR_OVERVIEW = [*Section.values, "overview", "caseload"]


class Course(models.Model):
    """A course of care: from a clinician's prescription (or the patient accepting a clinician)
    to discharge, or to the patient ending it. A workspace has at most one open course and any
    number of ended ones; outcome metrics and guidance time are counted per course
    (docs/courses.md). The workspace and everything in it stay the patient's after it ends."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ENDED = "ended", _("Ended")

    class StartedHow(models.TextChoices):
        PRESCRIBED = "prescribed", _("A clinician prescribed the programme")
        ACCEPTED = "accepted", _("The patient accepted a clinician")

    class EndedHow(models.TextChoices):
        NOT_ENDED = "", _("Not ended")
        DISCHARGED = "discharged", _("Discharged by the lead clinician")
        BY_PATIENT = "by_patient", _("Ended by the patient")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="courses")
    number = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_how = models.CharField(max_length=12, choices=StartedHow.choices)
    # The service the course belongs to, its team and lead clinician, kept as they were when it
    # started (the lead at discharge replaces the lead): the service report counts by these.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, related_name="courses"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="courses"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ended_how = models.CharField(
        max_length=12, choices=EndedHow.choices, blank=True, default=EndedHow.NOT_ENDED
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The discharge summary, written by the lead and shared with the patient.
    worked_on = models.TextField(_("what we worked on"), blank=True)
    helped = models.TextField(_("what helped"), blank=True)
    next_steps = models.TextField(_("staying well and next steps"), blank=True)
    final_measures_requested = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(status="open"),
                name="one_open_course_per_workspace",
            ),
            models.UniqueConstraint(fields=["workspace", "number"], name="course_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status="open", ended_at__isnull=True)
                | models.Q(status="ended", ended_at__isnull=False),
                name="course_ended_has_end",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "ended_at"])]

    def __str__(self) -> str:
        return f"course {self.number} of {self.workspace_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


# What a patient may show a relative or trusted person (docs/relatives.md). Questionnaires and
# messages with clinicians are never shown.
RELATIVE_SECTIONS = (
    Section.CRISIS_PLAN,
    Section.GOALS,
    Section.HABITS,
    Section.CHECKINS,
    Section.JOURNAL,  # only the entries the patient marks for the people they trust
)


class RelativeAccess(models.Model):
    """A relative or trusted person the patient invited, with what they see and until when.

    Access is current while the invitation is accepted, not revoked and before ``expires_at``
    (``care.policies.relative_access``): nothing runs at expiry, the next request is refused.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="relatives")
    # Set when the person accepts, to their own account (role "relative").
    relative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="relative_accesses",
    )
    email = models.EmailField(_("e-mail address"))
    # What the patient calls them ("Mum", "my friend Jo"): shown to the patient only.
    label = models.CharField(_("who they are to you"), max_length=80)
    sections = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "email"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_open_relative_access_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"relative access {self.pk}"

    @property
    def is_current(self) -> bool:
        return (
            self.accepted_at is not None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def last_day(self):
        """The last day they can see it: access ends as the next day begins."""
        return timezone.localdate(self.expires_at - timedelta(seconds=1))

    @property
    def section_set(self) -> frozenset[Section]:
        return frozenset(Section(s) for s in self.sections if s in Section.values)


class DataExport(models.Model):
    """A download of everything about the patient, prepared by a background job and kept for
    a week (docs/my-data.md). Only the patient can fetch it."""

    class Format(models.TextChoices):
        JSON = "json", _("All my data as JSON, for other programs")
        PDF = "pdf", _("My data as a PDF, to read or print")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be prepared")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=8, choices=Format.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    content = models.BinaryField(editable=False, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    KEEP = timedelta(days=7)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(format__in=["json", "pdf"]), name="care_export_format_known"
            )
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"

    @property
    def expires_at(self):
        return (self.ready_at or self.created_at) + self.KEEP
