"""Bulk builders for large caseloads (fast: a handful of INSERTs whatever the size)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import User
from alerts.models import Alert, AlertKind, CareCadence
from care.models import CareTeamMembership, Workspace, WorkspaceUserObjectPermission
from care.sections import Section


def bulk_caseload(clinician, size: int, *, tag: str = "") -> list[Workspace]:
    """``size`` patients of ``clinician``: each shares progress and measures, every other one
    habits;
    varied activity, open alerts (some urgent) and review dates."""
    now = timezone.now()
    today = timezone.localdate()
    tag = tag or str(clinician.pk)[:8]
    patients = User.objects.bulk_create(
        [
            User(
                email=f"bulk-{tag}-{i}@example.test",
                full_name=f"Bulk Patient {i:04d}",
                role=User.Role.PATIENT,
                password="!",  # noqa: S106 - an unusable password: nobody signs in as them
            )
            for i in range(size)
        ]
    )
    workspaces = Workspace.objects.bulk_create(
        [
            Workspace(patient=p, last_activity_at=now - timedelta(days=i % 12))
            for i, p in enumerate(patients)
        ]
    )
    memberships = CareTeamMembership.objects.bulk_create(
        [
            CareTeamMembership(
                workspace=w,
                clinician=clinician,
                role=CareTeamMembership.Role.GP,
                status=CareTeamMembership.Status.ACTIVE,
                started_at=now - timedelta(days=60),
            )
            for w in workspaces
        ]
    )
    perms = {
        s: Permission.objects.get(content_type__app_label="care", codename=s.codename)
        for s in (Section.PROGRESS, Section.MEASURES, Section.HABITS)
    }
    rows = [
        WorkspaceUserObjectPermission(user=clinician, content_object=w, permission=perms[section])
        for w in workspaces
        for section in (Section.PROGRESS, Section.MEASURES)
    ] + [
        WorkspaceUserObjectPermission(
            user=clinician, content_object=w, permission=perms[Section.HABITS]
        )
        for w in workspaces[::2]
    ]
    WorkspaceUserObjectPermission.objects.bulk_create(rows)
    Alert.objects.bulk_create(
        [
            Alert(workspace=w, kind=AlertKind.INACTIVITY, severity="routine", section="progress")
            for w in workspaces[::3]
        ]
        + [
            Alert(workspace=w, kind=AlertKind.RISK, severity="urgent", section="measures")
            for w in workspaces[::5]
        ]
    )
    CareCadence.objects.bulk_create(
        [
            CareCadence(membership=m, next_review_on=today + timedelta(days=(i % 3) - 1))
            for i, m in enumerate(memberships[::2])
        ]
    )
    return workspaces


@pytest.fixture
def bulk():
    return bulk_caseload
