"""Reads of the alert engine. Lists go through ``alerts.policies``; queries stay flat."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from alerts.conf import DEFAULT_INACTIVITY_DAYS, DEFAULT_REVIEW_INTERVAL_DAYS
from alerts.models import Alert, CareCadence, Review
from alerts.policies import alerts_visible_to
from care.models import CareTeamMembership, Workspace


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
    for c in CareCadence.objects.filter(membership__in=membership_ids):
        found[c.membership_id] = Cadence(
            c.inactivity_days, c.review_interval_days, c.next_review_on
        )
    return found


def cadences_for_clinician(*, clinician: User) -> dict:
    """membership id -> Cadence for every active relationship of this clinician. 1 query."""
    return cadences_for_memberships(
        CareTeamMembership.objects.filter(
            clinician=clinician, status=CareTeamMembership.Status.ACTIVE
        ).values("pk")
    )


def reviews_for_membership(*, membership: CareTeamMembership, limit: int = 10) -> list[Review]:
    return list(Review.objects.filter(membership=membership).order_by("-created_at")[:limit])
