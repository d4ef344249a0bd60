"""The membership state machine: invited, active, ended, declined. Ended and declined are final;
only the patient's own new acceptance brings a clinician back into the care team.

Every path that can create or re-activate a membership is tried against a clinician the patient
removed and one the patient declined: none of them lets the clinician in.
"""

from datetime import timedelta

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from care import policies, selectors, services
from care.models import CareTeamMembership
from care.sections import Section
from records.models import AuditEvent
from tests.factories import (
    ALL_SECTIONS,
    GPFactory,
    PatientFactory,
    TherapistFactory,
    add_member,
    local_today,
    workspace_for,
)

pytestmark = pytest.mark.django_db

Status = CareTeamMembership.Status


@pytest.fixture
def team():
    """A patient with a GP (sharing everything), a removed therapist and a declined therapist,
    all three of the same organisation."""
    workspace = workspace_for(PatientFactory(full_name="Pia Patient", email="pia@example.test"))
    gp = GPFactory(full_name="Dr Gail Present")
    add_member(workspace, gp, ALL_SECTIONS)
    removed = TherapistFactory(full_name="Rob Removed")
    services.membership_end(
        membership=add_member(workspace, removed, [Section.GOALS]), by=workspace.patient
    )
    declined = TherapistFactory(full_name="Dee Declined")
    invitation = services.membership_invite(workspace=workspace, clinician=declined, invited_by=gp)
    services.membership_end(membership=invitation, by=workspace.patient)
    return workspace, gp, {"removed": removed, "declined": declined}


def _via_invitation(workspace, gp, clinician):
    invitation = services.invitation_create(
        clinician=clinician, email=workspace.patient.email, base_url="https://care.test"
    )
    services.invitation_accept(invitation=invitation, user=workspace.patient)


def _via_cover(workspace, gp, clinician):
    today = local_today(gp)
    cover = services.cover_create(absent=gp, colleague=clinician, starts_on=today, ends_on=today)
    services.covers_run()
    return cover


def _via_api(workspace, gp, clinician):
    closed = CareTeamMembership.objects.get(workspace=workspace, clinician=clinician)
    api = APIClient()
    api.force_authenticate(workspace.patient)
    response = api.patch(
        reverse("api:member-detail", args=[workspace.pk, closed.pk]),
        {"status": "active", "sections": ["goals"]},
        format="json",
    )
    assert response.status_code == 400


def _via_accept_service(workspace, gp, clinician):
    closed = CareTeamMembership.objects.get(workspace=workspace, clinician=clinician)
    with pytest.raises(ValidationError):
        services.membership_accept(membership=closed, by=workspace.patient, sections=ALL_SECTIONS)


def _via_save(workspace, gp, clinician):
    """What an admin form or a shell does: set the status and save the row."""
    closed = CareTeamMembership.objects.get(workspace=workspace, clinician=clinician)
    closed.status = Status.ACTIVE
    with pytest.raises(ValidationError):
        closed.save()


PATHS = {
    "invitation accepted": _via_invitation,
    "cover arranged": _via_cover,
    "API accept": _via_api,
    "accept service": _via_accept_service,
    "save (admin, shell)": _via_save,
}


@pytest.mark.parametrize("closed", ["removed", "declined"])
@pytest.mark.parametrize("path", list(PATHS))
def test_an_ended_or_declined_member_stays_out(team, closed, path):
    workspace, gp, clinicians = team
    clinician = clinicians[closed]
    before = CareTeamMembership.objects.get(workspace=workspace, clinician=clinician)
    PATHS[path](workspace, gp, clinician)
    before.refresh_from_db()
    assert before.status == (Status.ENDED if closed == "removed" else Status.DECLINED)
    assert not policies.workspaces_for_user(clinician).filter(pk=workspace.pk).exists()
    assert policies.shared_sections(clinician, workspace) == frozenset()
    assert not CareTeamMembership.objects.filter(
        policies.membership_current(), workspace=workspace, clinician=clinician
    ).exists()


def test_only_the_patients_new_acceptance_brings_a_removed_clinician_back(team):
    workspace, gp, clinicians = team
    removed = clinicians["removed"]
    _via_invitation(workspace, gp, removed)
    new = CareTeamMembership.objects.get(
        workspace=workspace, clinician=removed, status=Status.INVITED
    )
    assert not policies.workspaces_for_user(removed).filter(pk=workspace.pk).exists()
    services.membership_accept(membership=new, by=workspace.patient, sections=[Section.HABITS])
    assert policies.shared_sections(removed, workspace) == {Section.HABITS}


@pytest.mark.parametrize(
    ("start", "end", "allowed"),
    [
        (old, new, (old, new) in CareTeamMembership.TRANSITIONS)
        for old in Status.values
        for new in Status.values
        if old != new
    ],
)
def test_save_follows_the_transition_table(team, start, end, allowed):
    workspace, _gp, _clinicians = team
    clinician = TherapistFactory()
    membership = CareTeamMembership.objects.create(
        workspace=workspace, clinician=clinician, role="therapist", status=start
    )
    membership.status = end
    if allowed:
        membership.save(update_fields=["status"])
    else:
        with pytest.raises(ValidationError):
            membership.save(update_fields=["status"])
    membership.refresh_from_db()
    assert membership.status == (end if allowed else start)


def test_ended_and_declined_are_final_in_the_table():
    assert not {pair for pair in CareTeamMembership.TRANSITIONS if pair[0] in ("ended", "declined")}


def test_the_admin_site_offers_no_membership_form():
    assert not admin.site.is_registered(CareTeamMembership)


def test_declining_is_recorded_as_declined_not_ended(team):
    workspace, _gp, clinicians = team
    membership = CareTeamMembership.objects.get(
        workspace=workspace, clinician=clinicians["declined"]
    )
    assert membership.status == Status.DECLINED and membership.ended_at is not None
    assert AuditEvent.objects.filter(
        action="care.membership.declined", data__membership=str(membership.pk)
    ).exists()


def test_the_api_declines_an_invitation(team):
    workspace, gp, _clinicians = team
    invited = services.membership_invite(
        workspace=workspace, clinician=TherapistFactory(), invited_by=gp
    )
    api = APIClient()
    api.force_authenticate(workspace.patient)
    response = api.patch(
        reverse("api:member-detail", args=[workspace.pk, invited.pk]),
        {"status": "declined"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "declined"


# --- cover and the patient the cover skips -----------------------------------------------------


@pytest.mark.parametrize("closed", ["removed", "declined"])
def test_a_cover_naming_a_removed_clinician_skips_that_patient_and_tells_them(client, team, closed):
    workspace, gp, clinicians = team
    covered = workspace_for(PatientFactory(full_name="Other Patient"))
    add_member(covered, gp, [Section.PROGRESS])
    cover = _via_cover(workspace, gp, clinicians[closed])
    # The other patient is covered, with exactly what they share with the GP, for the dates.
    member = CareTeamMembership.objects.get(cover=cover)
    assert member.workspace == covered and member.ends_at == cover.ends_at
    assert policies.shared_sections(clinicians[closed], covered) == {Section.PROGRESS}
    # The patient who removed or declined the colleague sees the cover, and that it skips them.
    (notice,) = selectors.covers_for_workspace(workspace=workspace)
    assert notice.kept_out and not notice.covering_here
    client.force_login(workspace.patient, backend="accounts.backends.EmailBackend")
    page = client.get(reverse("patient:care_team")).content.decode()
    assert 'data-cover-kept-out="yes"' in page and clinicians[closed].full_name in page


def test_a_cover_member_the_patient_removed_is_not_brought_back_by_a_later_cover(team):
    workspace, gp, _clinicians = team
    colleague = TherapistFactory(full_name="Cara Colleague")
    first = _via_cover(workspace, gp, colleague)
    member = CareTeamMembership.objects.get(cover=first)
    services.membership_end(membership=member, by=workspace.patient)
    services.cover_cancel(cover=first, by=gp)
    # The same clinician arranges cover again from tomorrow: the patient is skipped.
    tomorrow = local_today(gp) + timedelta(days=1)
    second = services.cover_create(
        absent=gp, colleague=colleague, starts_on=tomorrow, ends_on=tomorrow
    )
    services.cover_start(cover=second)  # not under way yet: nothing
    with time_machine.travel(second.starts_at + timedelta(minutes=1), tick=False):
        services.covers_run()
        assert not CareTeamMembership.objects.filter(cover=second).exists()
        assert not policies.workspaces_for_user(colleague).filter(pk=workspace.pk).exists()


def test_a_cover_that_ran_out_does_not_keep_the_colleague_out_of_the_next_one(team):
    workspace, gp, _clinicians = team
    colleague = TherapistFactory(full_name="Cara Colleague")
    first = _via_cover(workspace, gp, colleague)
    services.cover_cancel(cover=first, by=colleague)
    ended = CareTeamMembership.objects.get(cover=first)
    assert ended.end_reason == CareTeamMembership.EndReason.COVER_OVER
    tomorrow = local_today(gp) + timedelta(days=1)
    second = services.cover_create(
        absent=gp, colleague=colleague, starts_on=tomorrow, ends_on=tomorrow
    )
    with time_machine.travel(second.starts_at + timedelta(minutes=1), tick=False):
        assert services.covers_run().started == 1
        assert policies.workspaces_for_user(colleague).filter(pk=workspace.pk).exists()
