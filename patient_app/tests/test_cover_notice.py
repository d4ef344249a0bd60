"""Patients see a cover in their care team and control it like any other membership."""

from datetime import timedelta

import pytest
from django.urls import reverse

from care import policies, services
from care.models import CareTeamMembership
from care.sections import Section
from records.models import AuditEvent
from tests.factories import TherapistFactory, add_member, local_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    return TherapistFactory(full_name="Cara Colleague")


@pytest.fixture
def signed_in(client, patient):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    return client


def arrange(gp, colleague, start_in_days, length=3, note=""):
    first = local_today(gp) + timedelta(days=start_in_days)
    return services.cover_create(
        absent=gp,
        colleague=colleague,
        starts_on=first,
        ends_on=first + timedelta(days=length - 1),
        note=note,
    )


def test_a_planned_cover_is_announced_on_dashboard_and_care_team(
    signed_in, workspace, gp, colleague
):
    add_member(workspace, gp, [Section.GOALS])
    arrange(gp, colleague, 2, note="Back on Monday, rested.")
    for url in (reverse("patient:dashboard"), reverse("patient:care_team")):
        page = signed_in.get(url).content.decode()
        assert "Dr Gina Practitioner will be away from" in page
        assert "Cara Colleague will cover for them" in page
        assert "Back on Monday, rested." in page


def test_a_cover_under_way_is_labelled_and_the_patient_can_revoke_it(
    signed_in, workspace, gp, colleague
):
    add_member(workspace, gp, [Section.GOALS, Section.HABITS])
    arrange(gp, colleague, 0)
    member = CareTeamMembership.objects.get(clinician=colleague, workspace=workspace)
    page = signed_in.get(reverse("patient:dashboard")).content.decode()
    assert "Cara Colleague covers for them and sees what you share with Dr Gina" in page
    sharing = signed_in.get(reverse("patient:sharing")).content.decode()
    assert "Covering for Dr Gina Practitioner, until" in sharing
    response = signed_in.post(
        reverse("patient:sharing_update", args=[member.pk]), {"sections": ["goals"]}
    )
    assert response.status_code == 302
    assert policies.shared_sections(colleague, workspace) == {Section.GOALS}
    signed_in.post(reverse("patient:care_team_end", args=[member.pk]), {"confirm": "yes"})
    assert not policies.workspaces_for_user(colleague).filter(pk=workspace.pk).exists()
    assert AuditEvent.objects.filter(
        action="care.membership.ended", actor=workspace.patient
    ).exists()
    page = signed_in.get(reverse("patient:care_team")).content.decode()
    assert "they see nothing of yours" in page


def test_no_notice_for_other_patients_or_cancelled_covers(
    client, other_patient, workspace, gp, colleague
):
    add_member(workspace, gp, [Section.GOALS])
    cover = arrange(gp, colleague, 1)
    client.force_login(other_patient, backend="accounts.backends.EmailBackend")
    assert "will be away" not in client.get(reverse("patient:dashboard")).content.decode()
    services.cover_cancel(cover=cover, by=gp)
    client.force_login(workspace.patient, backend="accounts.backends.EmailBackend")
    assert "will be away" not in client.get(reverse("patient:dashboard")).content.decode()
