"""The dashboard greets a patient who has not opened a programme page yet, and says who sees
what and where help is; once they have opened a page, "Continue where you left off" returns."""

import pytest
from django.urls import reverse

from content import services

pytestmark = pytest.mark.django_db
WELCOME = "Welcome. Here is how this works"
CONTINUE = "Continue where you left off"


@pytest.fixture
def dashboard(client, patient):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    return lambda: client.get(reverse("patient:dashboard")).content.decode()


def _assert_welcome(body: str) -> None:
    assert WELCOME in body and CONTINUE not in body
    assert "sees only what you choose to share" in body
    assert "reaches your care team whatever you share" in body
    assert f'href="{reverse("patient:crisis_plan")}"' in body
    assert f'href="{reverse("help:getting_started")}"' in body


def test_a_patient_without_a_programme_is_welcomed(dashboard, programme):
    body = dashboard()
    _assert_welcome(body)
    assert "Start the programme" in body


def test_a_prescribed_programme_not_yet_opened_is_welcomed_not_continued(dashboard, enrolment):
    body = dashboard()
    _assert_welcome(body)
    assert "Open the first page" in body


def test_once_a_page_is_opened_continue_returns_and_the_welcome_goes(
    dashboard, enrolment, first_page, patient
):
    services.page_visit(enrolment=enrolment, page=first_page, by=patient)
    body = dashboard()
    assert CONTINUE in body
    assert WELCOME not in body and "Open the first page" not in body
