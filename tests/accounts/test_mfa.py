"""Clinicians confirm a TOTP code after their password before they reach any patient data."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, GPFactory, PatientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_on")]


@pytest.fixture
def mfa_on():
    with override_settings(CLINICIAN_MFA_REQUIRED=True):
        yield


def code_for(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def sign_in(client, email):
    return client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})


def test_clinician_without_a_device_must_set_one_up_before_the_caseload(client):
    GPFactory(email="doc@example.test")
    sign_in(client, "doc@example.test")
    response = client.get(reverse("clinician:caseload"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_setup") + "?next=%2Fclinic%2F"
    api = client.get("/api/v1/workspaces/")
    assert api.status_code == 403
    page = client.get(reverse("accounts:mfa_setup")).content.decode()
    assert "data:image/svg+xml" in page
    device = TOTPDevice.objects.get(user__email="doc@example.test", confirmed=False)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    assert client.post(reverse("accounts:mfa_setup"), {"code": wrong}).status_code == 200
    # A failure throttles the device (django-otp doubles the wait after each failure).
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()
    client.post(reverse("accounts:mfa_setup"), {"code": code_for(device)})
    assert client.get(reverse("clinician:caseload")).status_code == 200


def test_next_sign_in_asks_for_a_code_and_a_wrong_one_is_refused(client):
    gp = GPFactory(email="doc@example.test")
    device = TOTPDevice.objects.create(user=gp, name="app", confirmed=True)
    sign_in(client, "doc@example.test")
    assert client.get(reverse("clinician:caseload"))["Location"] == (
        reverse("accounts:mfa_verify") + "?next=%2Fclinic%2F"
    )
    wrong = client.post(reverse("accounts:mfa_verify"), {"code": "12345x"})
    assert wrong.status_code == 200 and "6 digits" in wrong.content.decode()
    client.post(reverse("accounts:mfa_verify"), {"code": code_for(device)})
    assert client.get(reverse("clinician:caseload")).status_code == 200


def test_patients_are_not_forced_through_the_second_factor(client):
    PatientFactory(email="pat@example.test")
    sign_in(client, "pat@example.test")
    assert client.get(reverse("patient:dashboard")).status_code == 200
