"""The alert engine's own rules: inactivity and overdue reviews (both set per care relationship)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from alerts.conf import DEFAULT_INACTIVITY_DAYS
from alerts.models import Alert, AlertKind, CareCadence
from alerts.rules import Candidate
from care.models import CareTeamMembership, WorkspaceUserObjectPermission
from care.policies import membership_current
from care.sections import Section


def inactivity(*, now: datetime) -> list[Candidate]:
    """No activity for N days, N the smallest threshold among the members who may see the
    patient's progress (each sets their own; 7 unless set). A patient who never started counts
    from the earliest start of those relationships. One source per quiet spell, so a resolved
    alert comes back only after the patient was active and then went quiet again.

    Queries: 1 (active memberships with workspace and cadence, progress consent as a subquery).
    """
    progress_shared = WorkspaceUserObjectPermission.objects.filter(
        user=OuterRef("clinician"),
        content_object=OuterRef("workspace"),
        permission__content_type__app_label="care",
        permission__codename=Section.PROGRESS.codename,
    )
    memberships = (
        CareTeamMembership.objects.filter(membership_current(), clinician__is_active=True)
        .filter(Exists(progress_shared))
        .select_related("workspace", "cadence")
    )
    by_workspace: dict = {}
    for m in memberships:
        cadence = getattr(m, "cadence", None)
        days = cadence.inactivity_days if cadence else DEFAULT_INACTIVITY_DAYS
        start = m.started_at or m.created_at
        current = by_workspace.get(m.workspace_id)
        if current is None:
            by_workspace[m.workspace_id] = (days, start, m.workspace.last_activity_at)
        else:
            by_workspace[m.workspace_id] = (
                min(days, current[0]),
                min(start, current[1]),
                current[2],
            )
    candidates = []
    for workspace_id, (days, start, last) in by_workspace.items():
        since = last or start
        if since <= now - timedelta(days=days):
            source = f"inactive-since:{last.isoformat()}" if last else "never-active"
            candidates.append(
                Candidate(workspace_id, AlertKind.INACTIVITY, Alert.Severity.ROUTINE, source)
            )
    return candidates


def review_overdue(*, now: datetime) -> list[Candidate]:
    """A next review date in the past, on an active relationship. Queries: 1."""
    today = timezone.localdate(now)
    cadences = CareCadence.objects.filter(
        membership_current("membership__"),
        next_review_on__lt=today,
        membership__clinician__is_active=True,
    ).values_list("membership_id", "membership__workspace_id", "next_review_on")
    return [
        Candidate(
            workspace_id,
            AlertKind.REVIEW_OVERDUE,
            Alert.Severity.ROUTINE,
            f"review-due:{due.isoformat()}",
            membership_id,
        )
        for membership_id, workspace_id, due in cadences
    ]


RULES = [inactivity, review_overdue]
