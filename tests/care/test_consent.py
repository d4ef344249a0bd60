"""Consent per member per section: one policy, immediate effect, audited, logged."""

import pytest
from django.http import Http404
from django.urls import reverse

from care import policies, services
from care.models import (
    CareTeamMembership,
    WorkspaceUserObjectPermission,
)
from care.sections import Section
from records.models import AccessLogEntry, AuditEvent
from tests.factories import GPFactory, add_member, workspace_for

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


def test_it_hides_unshared_sections_from_a_care_team_member(
    workspace, therapist_membership, therapist
):
    assert policies.shared_sections(therapist, workspace) == frozenset()
    with pytest.raises(policies.SectionNotShared):
        policies.require_reader(therapist, workspace, Section.GOALS)


def test_owner_sees_every_section(workspace, patient):
    assert policies.shared_sections(patient, workspace) == frozenset(Section)


def test_sharing_update_takes_effect_on_the_next_check(workspace, patient, gp_membership, gp):
    assert policies.can_view_section(gp, workspace, Section.GOALS)
    services.sharing_update(membership=gp_membership, sections=[Section.PROGRESS], by=patient)
    assert not policies.can_view_section(gp, workspace, Section.GOALS)
    assert policies.can_view_section(gp, workspace, Section.PROGRESS)
    revoked = AuditEvent.objects.get(action="care.sharing.revoked")
    assert Section.GOALS.value in revoked.data["sections"] and revoked.actor == patient


def test_only_the_owner_can_change_sharing(gp_membership, gp):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.sharing_update(membership=gp_membership, sections=[], by=gp)
    assert WorkspaceUserObjectPermission.objects.filter(user=gp).count() == len(Section)


def test_unknown_section_is_rejected_and_nothing_changes(gp_membership, patient, gp):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.sharing_update(
            membership=gp_membership, sections=["progress", "bank_details"], by=patient
        )
    assert WorkspaceUserObjectPermission.objects.filter(user=gp).count() == len(Section)


def test_ending_membership_removes_access_and_every_permission(
    workspace, patient, gp_membership, gp
):
    services.membership_end(membership=gp_membership, by=patient)
    assert WorkspaceUserObjectPermission.objects.filter(user=gp).count() == 0
    with pytest.raises(Http404):
        policies.workspace_for_user(gp, workspace.pk)
    assert AuditEvent.objects.filter(action="care.membership.ended").exists()


def test_invited_member_sees_nothing_until_the_patient_accepts(workspace, patient):
    gp = GPFactory()
    membership = services.membership_invite(workspace=workspace, clinician=gp, invited_by=gp)
    assert membership.status == CareTeamMembership.Status.INVITED
    with pytest.raises(Http404):
        policies.workspace_for_user(gp, workspace.pk)
    services.membership_accept(membership=membership, by=patient, sections=[Section.MEASURES])
    assert policies.shared_sections(gp, workspace) == {Section.MEASURES}


def test_superuser_gets_no_workspace_through_guardian_shortcuts(workspace, gp_membership):
    from accounts.models import User

    root = User.objects.create_superuser(
        email="root@example.test", password="x" * 12, full_name="Root"
    )
    assert list(policies.workspaces_for_user(root)) == []
    assert list(policies.workspaces_sharing(root, Section.GOALS)) == []
    with pytest.raises(Http404):
        policies.workspace_for_user(root, workspace.pk)


def test_workspaces_sharing_lists_exactly_the_consenting_workspaces(gp):
    shared, unshared = workspace_for_patient(), workspace_for_patient()
    add_member(shared, gp, [Section.GOALS])
    add_member(unshared, gp, [Section.HABITS])
    assert list(policies.workspaces_sharing(gp, Section.GOALS)) == [shared]


def workspace_for_patient():
    from tests.factories import PatientFactory

    return workspace_for(PatientFactory())


def test_no_anonymous_user_exists_for_guardian():
    from accounts.models import User

    assert not User.objects.filter(email__icontains="anonymous").exists()
    from django.conf import settings

    assert settings.ANONYMOUS_USER_NAME is None


def test_deleting_a_workspace_leaves_no_orphan_permissions(
    workspace, gp_membership, therapist_membership
):
    assert WorkspaceUserObjectPermission.objects.filter(content_object=workspace).exists()
    workspace.delete()
    assert WorkspaceUserObjectPermission.objects.count() == 0


def test_patient_turns_a_section_off_and_the_gp_overview_shows_not_shared(
    client, workspace, patient, gp, gp_membership
):
    overview = reverse("clinician:patient_overview", args=[workspace.pk])
    body = login(client, gp).get(overview).content.decode()
    assert 'data-section="goals" data-shared="yes"' in body
    login(client, patient).post(
        reverse("patient:sharing_update", args=[gp_membership.pk]),
        {"sections": [s.value for s in Section if s != Section.GOALS]},
    )
    body = login(client, gp).get(overview).content.decode()
    assert 'data-section="goals" data-shared="no"' in body
    # Unshared sections fold into one line, not a card each.
    assert "Not shared with you:" in body and 'id="h-goals"' not in body


def test_every_clinician_read_is_in_the_access_log_and_the_patient_sees_it(
    client, workspace, patient, gp, gp_membership
):
    login(client, gp).get(reverse("clinician:patient_overview", args=[workspace.pk]))
    logged = set(
        AccessLogEntry.objects.filter(workspace=workspace, actor=gp).values_list(
            "section", flat=True
        )
    )
    assert logged == {"overview", "alerts", "timeline", *[s.value for s in Section]}
    page = login(client, patient).get(reverse("patient:access_log")).content.decode()
    assert gp.full_name in page and "your overview page" in page


def test_owner_reads_are_not_logged(client, workspace, patient):
    login(client, patient).get(reverse("patient:dashboard"))
    assert not AccessLogEntry.objects.exists()


def test_caseload_read_is_logged_per_patient(client, workspace, gp, gp_membership):
    login(client, gp).get(reverse("clinician:caseload"))
    assert (
        AccessLogEntry.objects.filter(workspace=workspace, actor=gp, section="caseload").count()
        == 1
    )


def test_patient_accepts_a_pending_member_choosing_sections(client, workspace, patient):
    gp = GPFactory()
    membership = services.membership_invite(workspace=workspace, clinician=gp, invited_by=gp)
    login(client, patient).post(
        reverse("patient:care_team_accept", args=[membership.pk]),
        {"sections": ["progress", "measures"]},
    )
    membership.refresh_from_db()
    assert membership.status == CareTeamMembership.Status.ACTIVE
    assert policies.shared_sections(gp, workspace) == {Section.PROGRESS, Section.MEASURES}


def test_accept_with_a_bogus_section_changes_nothing(client, workspace, patient):
    gp = GPFactory()
    membership = services.membership_invite(workspace=workspace, clinician=gp, invited_by=gp)
    login(client, patient).post(
        reverse("patient:care_team_accept", args=[membership.pk]), {"sections": ["everything"]}
    )
    membership.refresh_from_db()
    assert membership.status == CareTeamMembership.Status.INVITED


def test_patient_cannot_touch_another_patients_membership(
    client, other_patient, gp_membership, gp, workspace
):
    login(client, other_patient)
    response = client.post(reverse("patient:care_team_end", args=[gp_membership.pk]))
    assert response.status_code == 404
    gp_membership.refresh_from_db()
    assert gp_membership.status == CareTeamMembership.Status.ACTIVE
