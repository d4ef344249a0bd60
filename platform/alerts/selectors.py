"""Reads of the alert engine. Lists go through ``alerts.policies``; queries stay flat."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from alerts.conf import DEFAULT_INACTIVITY_DAYS, DEFAULT_REVIEW_INTERVAL_DAYS
from alerts.models import Alert, AlertKind, CareCadence, Review
from alerts.policies import alerts_visible_to
from care import policies
from care.models import CareTeamMembership, Workspace
from care.policies import membership_current
from care.sections import Section
from records.models import AuditEvent


def alerts_for_clinician(*, clinician: User, resolved: bool = False) -> QuerySet[Alert]:
    """The clinician's alerts: unresolved (urgent first, oldest first), or resolved (newest)."""
    qs = alerts_visible_to(clinician).select_related(
        "workspace__patient", "membership__clinician", "acknowledged_by"
    )
    if resolved:
        return qs.filter(status=Alert.Status.RESOLVED).order_by("-resolved_at")
    return qs.filter(status__in=Alert.UNRESOLVED).order_by("-severity", "created_at")


def alerts_for_workspace(*, user: User, workspace: Workspace, limit: int = 20) -> list[Alert]:
    """The alerts of one patient this clinician may see, unresolved first. 1 query."""
    return list(
        alerts_visible_to(user)
        .filter(workspace=workspace)
        .select_related("acknowledged_by", "resolved_by", "membership__clinician")
        .order_by("-status", "-created_at")[:limit]
    )


@dataclass(frozen=True)
class AlertCounts:
    open: int = 0
    urgent: int = 0


def alert_counts_for_clinician(*, clinician: User) -> dict:
    """workspace id -> AlertCounts of the unresolved alerts this clinician may see. 1 query."""
    rows = (
        alerts_visible_to(clinician)
        .filter(status__in=Alert.UNRESOLVED)
        .values("workspace_id")
        .annotate(
            total=Count("id"),
            urgent=Count("id", filter=Q(severity=Alert.Severity.URGENT)),
        )
    )
    return {r["workspace_id"]: AlertCounts(open=r["total"], urgent=r["urgent"]) for r in rows}


@dataclass(frozen=True)
class Cadence:
    inactivity_days: int = DEFAULT_INACTIVITY_DAYS
    review_interval_days: int = DEFAULT_REVIEW_INTERVAL_DAYS
    next_review_on: date | None = None


def cadences_for_memberships(membership_ids: Iterable) -> dict:
    """membership id -> Cadence (defaults where none was set). 1 query."""
    found = defaultdict(Cadence)
    rows = CareCadence.objects.filter(membership__in=membership_ids).values_list(
        "membership_id", "inactivity_days", "review_interval_days", "next_review_on"
    )
    for membership_id, inactivity_days, review_interval_days, next_review_on in rows:
        found[membership_id] = Cadence(inactivity_days, review_interval_days, next_review_on)
    return found


def cadences_for_clinician(*, clinician: User) -> dict:
    """membership id -> Cadence for every active relationship of this clinician. 1 query."""
    return cadences_for_memberships(
        CareTeamMembership.objects.filter(
            membership_current(),
            clinician=clinician,
        ).values("pk")
    )


def reviews_for_membership(*, membership: CareTeamMembership, limit: int = 10) -> list[Review]:
    return list(Review.objects.filter(membership=membership).order_by("-created_at")[:limit])


# --- the activity timeline of a patient ------------------------------------------------------

TIMELINE_LABELS = {
    "care.workspace.created": _("Joined the programme"),
    "care.membership.invited": _("A clinician was invited to the care team"),
    "care.membership.accepted": _("A clinician joined the care team"),
    "care.membership.ended": _("A clinician left the care team"),
    "care.sharing.granted": _("The patient shared more with a clinician"),
    "care.sharing.revoked": _("The patient stopped sharing something with a clinician"),
    "care.invitation.accepted": _("Accepted an invitation"),
    "alerts.alert.raised": _("Alert raised: %(kind)s"),
    "alerts.alert.repeated": _("Alert occurred again: %(kind)s"),
    "alerts.alert.acknowledged": _("Alert acknowledged: %(kind)s"),
    "alerts.alert.escalated": _("Alert escalated: %(kind)s"),
    "alerts.alert.notified": _("Lead told of the alert: %(kind)s"),
    "alerts.alert.reopened": _("Alert re-opened by a new answer: %(kind)s"),
    "alerts.alert.unassigned": _("Alert waiting: nobody could be told yet: %(kind)s"),
    "care.lead.set": _("The care team's lead changed"),
    "alerts.alert.resolved": _("Alert resolved: %(kind)s"),
    "alerts.cadence.updated": _("Review cadence changed"),
    "alerts.review.recorded": _("Review recorded"),
}
TIMELINE_WINDOW = 200


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str
    actor: str
    action: str


def _timeline_text(event: AuditEvent) -> str:
    data = event.data or {}
    label = TIMELINE_LABELS.get(event.action)
    if label is not None:
        kind = data.get("kind")
        kind_label = AlertKind(kind).label if kind in AlertKind.values else ""
        return str(label) % {"kind": kind_label} if "%(kind)s" in str(label) else str(label)
    section = data.get("section")
    if section not in Section.values:
        return str(_("Activity in the programme"))
    return str(_("Activity in “%(section)s”")) % {"section": Section(section).label}


def timeline_for_clinician(
    *, user: User, workspace: Workspace, shared: frozenset, limit: int = 30
) -> list[TimelineEntry]:
    """What happened in this workspace, newest first, as far as this member may know.

    Built from ``records.AuditEvent`` (alerts audit there too). An event is shown when its data
    names a ``section`` shared with the member, or, for the care core and the alert engine,
    when it names none. Other capabilities' events appear once they carry ``section`` in their
    audit data. Queries: 1 (the newest events with their actors).
    """
    events = AuditEvent.objects.filter(workspace=workspace).select_related("actor")
    events = events.order_by("-created_at")[:TIMELINE_WINDOW]
    shared_values = {s.value for s in shared}
    entries = []
    for event in events:
        section = (event.data or {}).get("section")
        if section:
            if section not in shared_values or section not in Section.values:
                continue
        elif not event.action.startswith(("care.", "alerts.")):
            continue
        actor = ""
        if event.actor is not None:
            actor = (
                str(_("the patient"))
                if event.actor_id == workspace.patient_id
                else event.actor.full_name
            )
        entries.append(TimelineEntry(event.created_at, _timeline_text(event), actor, event.action))
        if len(entries) >= limit:
            break
    return entries


# --- who a risk answer reaches ---------------------------------------------------------------


@dataclass(frozen=True)
class RiskReach:
    """Who is told when this patient gives a risk answer, as the patient is told it.

    ``who``: "team" (the lead, or their cover, at once; then the others and the duty contact),
    "duty" (no care team: the duty contact of the patient's organisation), or "nobody" (no
    care team and no duty contact: the alert waits in the unassigned-risk queue, and the
    patient is told plainly that nobody here has been told)."""

    who: str
    lead_name: str = ""
    covering_name: str = ""
    organisation_names: tuple[str, ...] = ()

    @property
    def is_passed_on(self) -> bool:
        return self.who != "nobody"


def duty_contacts(organisations: Iterable) -> list[User]:
    """The active duty-contact accounts of these organisations. 1 query."""
    return list(
        User.objects.filter(
            role=User.Role.DUTY, is_active=True, organisation__in=list(organisations)
        )
        .select_related("organisation")
        .order_by("full_name")
    )


def risk_reach(*, workspace: Workspace) -> RiskReach:
    """Queries: 1 with a care team; 3-4 without one."""
    members = policies.current_members(workspace)
    lead = policies.lead_membership(workspace, members)
    if lead is not None:
        notice = policies.lead_notice_membership(workspace, members)
        covering = notice.clinician.full_name if notice.pk != lead.pk else ""
        return RiskReach("team", lead.clinician.full_name, covering)
    organisations = policies.patient_organisations(workspace)
    if duty_contacts(organisations):
        return RiskReach("duty", organisation_names=tuple(o.name for o in organisations))
    return RiskReach("nobody", organisation_names=tuple(o.name for o in organisations))


def duty_queue(*, user: User) -> QuerySet[Alert]:
    """What a duty contact sees: the unresolved urgent alerts of their organisation's patients
    that reached the duty contact (nobody in the care team acknowledged them in time) or wait
    for one (no care team; ``unassigned_at`` set while nobody could be told). Oldest first."""
    return (
        alerts_visible_to(user)
        .filter(status__in=Alert.UNRESOLVED, severity=Alert.Severity.URGENT)
        .select_related("workspace__patient")
        .order_by("opened_at")
    )


def shared_reviews_exist() -> Exists:
    """For the owner's workspace query (``.annotate(has_shared_reviews=shared_reviews_exist())``):
    whether ``shared_reviews_for_workspace`` would find any, in the workspace's own query."""
    return Exists(Review.objects.filter(workspace=OuterRef("pk"), shared_with_patient=True))


def shared_reviews_for_workspace(*, workspace, limit: int = 3) -> list:
    """The newest review notes the care team chose to share with the patient, with their
    clinicians. Queries: 1."""
    return list(
        Review.objects.filter(workspace=workspace, shared_with_patient=True)
        .select_related("membership__clinician")
        .order_by("-created_at")[:limit]
    )
