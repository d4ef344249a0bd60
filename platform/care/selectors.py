"""Reads in the care core. Lists go through ``care.policies``; queries stay flat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from care import policies
from care.models import AccessLogEntry, CareTeamMembership, Workspace, WorkspaceUserObjectPermission
from care.sections import Section


def memberships_for_workspace(
    *, workspace: Workspace, include_ended: bool = False
) -> list[CareTeamMembership]:
    """The care team of a workspace, each member annotated with ``shared`` (a set of Sections).

    Queries: 1 for the memberships with their clinicians, 1 for all consent rows.
    """
    qs = CareTeamMembership.objects.filter(workspace=workspace).select_related(
        "clinician", "clinician__organisation"
    )
    if not include_ended:
        qs = qs.exclude(status=CareTeamMembership.Status.ENDED)
    members = list(qs.order_by("status", "created_at"))
    rows = WorkspaceUserObjectPermission.objects.filter(content_object=workspace).values_list(
        "user_id", "permission__codename"
    )
    by_user: dict = {}
    for user_id, codename in rows:
        by_user.setdefault(user_id, set()).add(Section.from_codename(codename))
    for member in members:
        member.shared = (
            frozenset(by_user.get(member.clinician_id, ())) if member.is_active else frozenset()
        )
    return members


def membership_for_owner(*, user: User, workspace_id, membership_id) -> CareTeamMembership:
    """Fetch-and-authorize a membership for its patient (404 otherwise)."""
    workspace = policies.workspace_owned_by(user, workspace_id)
    try:
        return CareTeamMembership.objects.select_related("clinician", "workspace").get(
            pk=membership_id, workspace=workspace
        )
    except (CareTeamMembership.DoesNotExist, ValueError):
        from django.http import Http404

        raise Http404 from None


def access_log_for_patient(*, workspace: Workspace) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(workspace=workspace).order_by("-created_at")


@dataclass(frozen=True)
class CaseloadRow:
    workspace: Workspace
    membership: CareTeamMembership
    shared: frozenset
    last_activity_at: datetime | None


def caseload_for_clinician(*, clinician: User) -> list[CaseloadRow]:
    """Every workspace where the clinician is an active member, with what is shared.

    Queries: 1 (memberships + workspaces + patients) + 1 (consent rows), whatever the size.
    """
    memberships = (
        list(
            CareTeamMembership.objects.filter(policies.membership_current(), clinician=clinician)
            .select_related("workspace", "workspace__patient", "cover__absent")
            .order_by("workspace__patient__full_name")
        )
        if clinician.is_active
        else []
    )
    shared = policies.shared_sections_by_workspace(clinician, [m.workspace_id for m in memberships])
    return [
        CaseloadRow(
            workspace=m.workspace,
            membership=m,
            shared=shared.get(m.workspace_id, frozenset()),
            last_activity_at=m.workspace.last_activity_at,
        )
        for m in memberships
    ]


def pending_memberships_for_clinician(*, clinician: User) -> QuerySet[CareTeamMembership]:
    """Invitations the clinician sent that the patient has not yet answered (no patient data)."""
    return CareTeamMembership.objects.filter(
        clinician=clinician, status=CareTeamMembership.Status.INVITED
    ).select_related("workspace__patient")


def workspace_with_patient_prefetch() -> Prefetch:
    return Prefetch("memberships", queryset=CareTeamMembership.objects.select_related("clinician"))
