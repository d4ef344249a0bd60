"""A clinician invites a patient: signed, expiring, single-use link; nothing shared by default."""

from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from care import policies, services
from care.models import CareTeamMembership, Invitation
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "gentle-river-stone-88"


@pytest.fixture
def invite(client, django_capture_on_commit_callbacks):
    """A clinician sends an invitation; the e-mail goes out after commit, as in production."""

    def send(gp, email="newpatient@example.test"):
        client.force_login(gp, backend="accounts.backends.EmailBackend")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("clinician:invite"), {"email": email})
        client.logout()
        return response

    return send


def link_from(mail):
    line = next(line for line in mail.body.splitlines() if "/me/invitation/" in line)
    return line.split("testserver", 1)[1].strip()


def signup(client, path, **overrides):
    data = {
        "full_name": "Nia New",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "agree": "on",
    }
    return client.post(path, data | overrides)


def test_invited_patient_sets_a_password_and_gets_a_workspace_with_the_gp_pending(
    client, invite, gp, mailoutbox
):
    assert invite(gp).status_code == 302
    assert len(mailoutbox) == 1
    response = signup(client, link_from(mailoutbox[0]))
    assert response.status_code == 302 and response["Location"] == reverse("patient:care_team")
    patient = User.objects.get(email="newpatient@example.test")
    assert patient.is_patient and patient.check_password(NEW_PASSWORD)
    membership = CareTeamMembership.objects.get(workspace__patient=patient, clinician=gp)
    assert membership.status == CareTeamMembership.Status.INVITED
    assert policies.shared_sections(gp, membership.workspace) == frozenset()


def test_link_is_single_use(client, invite, gp, mailoutbox):
    invite(gp)
    path = link_from(mailoutbox[0])
    signup(client, path)
    client.logout()
    again = signup(client, path, full_name="Mallory")
    assert again.status_code == 400
    assert "already been used" in again.content.decode()
    assert User.objects.filter(email="newpatient@example.test").count() == 1


def test_expired_link_is_refused(client, invite, gp, mailoutbox):
    invite(gp)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(link_from(mailoutbox[0]))
    assert response.status_code == 400 and "expired" in response.content.decode()


@pytest.mark.parametrize(
    "token", ["garbage", signing.dumps("00000000-0000-0000-0000-000000000000", salt="other")]
)
def test_tampered_link_is_refused(client, token):
    assert client.get(reverse("patient:invitation", args=[token])).status_code == 400


def test_weak_or_mismatched_password_is_a_form_error_and_creates_nothing(
    client, invite, gp, mailoutbox
):
    invite(gp)
    path = link_from(mailoutbox[0])
    assert signup(client, path, password1="short", password2="short").status_code == 200
    assert signup(client, path, password2="different-password-99").status_code == 200
    assert not User.objects.filter(email="newpatient@example.test").exists()
    assert Invitation.objects.get().accepted_at is None


def test_existing_patient_accepts_after_signing_in(client, invite, gp, mailoutbox):
    patient = PatientFactory(email="known@example.test")
    invite(gp, email="known@example.test")
    path = link_from(mailoutbox[0])
    assert "Sign in" in client.get(path).content.decode()
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    client.post(path)
    assert CareTeamMembership.objects.filter(workspace__patient=patient, clinician=gp).exists()


def test_inviting_a_clinicians_address_is_a_form_error(client, invite, gp, therapist, mailoutbox):
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    response = client.post(reverse("clinician:invite"), {"email": therapist.email})
    assert response.status_code == 200 and mailoutbox == []
    assert not Invitation.objects.exists()


def test_invitation_service_refuses_a_patient_as_inviter(patient):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.invitation_create(clinician=patient, email="x@example.test", base_url="http://t")
