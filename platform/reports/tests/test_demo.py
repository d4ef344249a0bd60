"""The demo manager sees a real report: enough courses that the main figures are shown."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from care.models import Course

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_manager_and_a_report_with_figures(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 (idempotent)
    assert Course.objects.filter(status="ended").count() >= 40
    manager = User.objects.get(email="manager@example.org")
    assert manager.is_manager and not manager.is_staff
    client.force_login(manager, backend="accounts.backends.EmailBackend")
    page = client.get("/", follow=True)
    assert page.redirect_chain[-1][0] == reverse("clinician:service_report")
    body = page.content.decode()
    assert "North team" in body and "South team" in body
    assert "Recovery rate" in body and "%" in body
    for person in User.objects.filter(role="patient"):
        assert person.full_name not in body
