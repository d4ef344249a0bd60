"""Every user-supplied ``next`` (sign-in, second factor, sign-out) goes through one check: a path
on this site is followed, anything else falls back to the home page."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.redirects import next_url
from tests.factories import PASSWORD, GPFactory, PatientFactory

pytestmark = [pytest.mark.django_db]

OUTSIDE = [
    "//evil.example",
    "//evil.example/clinic/",
    "https://evil.example",
    "http://evil.example/accounts/login/",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "%2F%2Fevil.example",  # arrives decoded: //evil.example
    "%252F%252Fevil.example",  # arrives once-decoded: %2F%2Fevil.example
    "%68ttps://evil.example",
    "https:evil.example",
    "///evil.example",
    "//%09evil.example",
    "data:text/html,hi",
    "evil.example",
]


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize("target", OUTSIDE)
def test_the_second_factor_never_sends_a_clinician_off_the_site(client, target):
    gp = GPFactory(email="doc@example.test")
    device = TOTPDevice.objects.create(user=gp, name="app", confirmed=True)
    with override_settings(CLINICIAN_MFA_REQUIRED=True):
        client.post(reverse("accounts:login"), {"username": gp.email, "password": PASSWORD})
        response = client.post(
            f"{reverse('accounts:mfa_verify')}?next={target}", {"code": _code(device)}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_second_factor_follows_a_path_on_this_site(client):
    gp = GPFactory(email="doc@example.test")
    device = TOTPDevice.objects.create(user=gp, name="app", confirmed=True)
    with override_settings(CLINICIAN_MFA_REQUIRED=True):
        client.post(reverse("accounts:login"), {"username": gp.email, "password": PASSWORD})
        response = client.post(
            f"{reverse('accounts:mfa_verify')}?next=/clinic/", {"code": _code(device)}
        )
    assert response["Location"] == "/clinic/"


@pytest.mark.parametrize("target", OUTSIDE)
def test_setting_up_the_second_factor_never_sends_a_clinician_off_the_site(client, target):
    gp = GPFactory(email="doc@example.test")
    with override_settings(CLINICIAN_MFA_REQUIRED=True):
        client.post(reverse("accounts:login"), {"username": gp.email, "password": PASSWORD})
        client.get(reverse("accounts:mfa_setup"))
        device = TOTPDevice.objects.get(user=gp, confirmed=False)
        response = client.post(
            f"{reverse('accounts:mfa_setup')}?next={target}", {"code": _code(device)}
        )
    assert response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.parametrize("target", OUTSIDE)
def test_signing_in_never_sends_anyone_off_the_site(client, target):
    PatientFactory(email="pat@example.test")
    response = client.post(
        reverse("accounts:login"),
        {"username": "pat@example.test", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("target", OUTSIDE)
def test_signing_out_never_sends_anyone_off_the_site(client, target):
    client.force_login(PatientFactory(), backend="accounts.backends.EmailBackend")
    response = client.post(reverse("accounts:logout"), {"next": target})
    assert response.status_code == 302
    assert not response["Location"].startswith(("//", "/\\", "http", "javascript"))
    assert "evil.example" not in response["Location"]


@pytest.mark.parametrize("target", OUTSIDE)
def test_the_one_check_refuses_every_outside_target(rf, target):
    assert next_url(rf.get("/", {"next": target})) is None
    assert next_url(rf.post("/", {"next": target})) is None


@pytest.mark.parametrize("target", ["/clinic/", "/me/?tab=goals", "/accounts/profile/#tz"])
def test_the_one_check_follows_local_paths(rf, target):
    assert next_url(rf.get("/", {"next": target})) == target


def test_the_second_factor_gate_keeps_the_page_asked_for(client):
    """A clinician who opens a link (an alert e-mail's) before the code lands there after it."""
    gp = GPFactory(email="doc@example.test")
    device = TOTPDevice.objects.create(user=gp, name="app", confirmed=True)
    wanted = reverse("clinician:alert_list") + "?status=open"
    with override_settings(CLINICIAN_MFA_REQUIRED=True):
        client.post(reverse("accounts:login"), {"username": gp.email, "password": PASSWORD})
        gate = client.get(wanted)
        assert gate.status_code == 302
        assert gate["Location"].startswith(reverse("accounts:mfa_verify") + "?next=")
        response = client.post(gate["Location"], {"code": _code(device)})
    assert response["Location"] == wanted
