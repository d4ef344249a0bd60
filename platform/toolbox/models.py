"""The patient's recovery toolbox: daily check-ins, the crisis plan, the network map, the journal.

Every record belongs to one patient's workspace. Clinicians see a record only through
``toolbox.selectors`` (which ask ``care.policies``); private check-ins and unshared journal
entries never leave the patient's own pages.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from care.models import Workspace

SCALE_MIN, SCALE_MAX = 1, 5
NOTE_MAX = 2000
ITEM_MAX = 500
CONTACT_MAX = 100
JOURNAL_MAX = 10000

_scale = [MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]


def _in_scale(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": SCALE_MIN, f"{field}__lte": SCALE_MAX}),
        name=f"checkin_{field}_in_scale",
    )


class CheckIn(models.Model):
    """One quick daily status. One per patient-local day; ``private`` keeps it from the care
    team even when check-ins are shared."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="checkins")
    day = models.DateField(_("day"))
    mood = models.PositiveSmallIntegerField(_("mood"), validators=_scale)
    symptoms = models.PositiveSmallIntegerField(_("symptom intensity"), validators=_scale)
    energy = models.PositiveSmallIntegerField(_("energy"), validators=_scale)
    sleep = models.PositiveSmallIntegerField(_("sleep"), validators=_scale)
    activities = models.CharField(_("activities"), max_length=300, blank=True)
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    private = models.BooleanField(_("keep this entry private"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "day"], name="checkin_one_per_day"),
            _in_scale("mood"),
            _in_scale("symptoms"),
            _in_scale("energy"),
            _in_scale("sleep"),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.day}"


class CrisisKind(models.TextChoices):
    WARNING_SIGN = "warning_sign", _("My warning signs")
    SELF_HELP = "self_help", _("What I can do myself")
    HELPER = "helper", _("People and places that help me")
    PROFESSIONAL = "professional", _("Professionals and how to reach them")
    EMERGENCY = "emergency", _("Emergency numbers")
    SAFER = "safer", _("What makes my surroundings safer")


class CrisisPlanItem(models.Model):
    """One line of the crisis plan, in one of its parts."""

    Kind = CrisisKind

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="crisis_plan_items"
    )
    kind = models.CharField(_("part of the plan"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=ITEM_MAX)
    contact = models.CharField(_("phone or how to reach"), max_length=CONTACT_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CrisisKind.values), name="crisis_item_kind_known"
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="crisis_item_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Crisis plan item {self.pk}"


class CrisisPlanSuggestion(models.Model):
    """An addition a care-team member proposes; it enters the plan only if the patient accepts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for your answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="crisis_plan_suggestions"
    )
    kind = models.CharField(_("part of the plan"), max_length=20, choices=CrisisKind.choices)
    text = models.CharField(_("text"), max_length=ITEM_MAX)
    contact = models.CharField(_("phone or how to reach"), max_length=CONTACT_MAX, blank=True)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    item = models.OneToOneField(
        CrisisPlanItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CrisisKind.values),
                name="crisis_suggestion_kind_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(text=""), name="crisis_suggestion_text_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"Crisis plan suggestion {self.pk}"


class OrganisationEmergencyNumber(models.Model):
    """A number an organisation puts on every crisis plan of the patients it cares for."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="emergency_numbers"
    )
    label = models.CharField(_("label"), max_length=120)
    number = models.CharField(_("number"), max_length=CONTACT_MAX)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "position", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "label"], name="emergency_number_label_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.number}"


class NetworkKind(models.TextChoices):
    FAMILY = "family", _("Family")
    FRIEND = "friend", _("Friend")
    COLLEAGUE = "colleague", _("Colleague")
    GP = "gp", _("GP")
    THERAPIST = "therapist", _("Therapist")
    GROUP = "group", _("Group")
    SERVICE = "service", _("Other service")


class NetworkContact(models.Model):
    """A person or service around the patient, on the network map."""

    Kind = NetworkKind

    class Closeness(models.IntegerChoices):
        CLOSE = 1, _("Very close")
        MIDDLE = 2, _("Close")
        DISTANT = 3, _("Further away")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="network_contacts"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("who this is"), max_length=20, choices=Kind.choices)
    closeness = models.PositiveSmallIntegerField(
        _("how close"), choices=Closeness.choices, default=Closeness.MIDDLE
    )
    practical = models.BooleanField(_("practical support"), default=False)
    emotional = models.BooleanField(_("emotional support"), default=False)
    company = models.BooleanField(_("company"), default=False)
    wants_more_contact = models.BooleanField(_("I would like more contact"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["closeness", "name", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closeness__gte=1, closeness__lte=3),
                name="network_closeness_known",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=NetworkKind.values), name="network_kind_known"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="network_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Network contact {self.pk}"


class JournalEntry(models.Model):
    """A free note. Private unless the patient marks it shared AND shares the journal section."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="journal_entries"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("note"), max_length=JOURNAL_MAX)
    shared = models.BooleanField(_("share this entry with my care team"), default=False)
    # Chosen per entry for the people the patient trusts (docs/relatives.md), apart from the
    # care team's choice.
    for_relatives = models.BooleanField(_("let the people I trust read this entry"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="journal_body_not_empty")
        ]

    def __str__(self) -> str:
        return f"Journal entry {self.pk}"
