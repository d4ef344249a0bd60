"""Pages speak the signed-in person's own time zone; the API keeps UTC."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import UserTimezoneMiddleware
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def zone_seen(path, user) -> str:
    request = RequestFactory().get(path)
    request.user = user
    return UserTimezoneMiddleware(lambda r: timezone.get_current_timezone_name())(request)


def test_pages_use_the_persons_zone_and_the_api_and_strangers_keep_utc():
    oslo = PatientFactory(timezone="Europe/Oslo")
    assert zone_seen("/me/", oslo) == "Europe/Oslo"
    assert zone_seen("/api/v1/me/", oslo) == "UTC"
    assert zone_seen("/me/", AnonymousUser()) == "UTC"
    assert timezone.get_current_timezone_name() == "UTC"  # nothing leaks past the request


def test_a_time_on_a_page_is_shown_in_the_persons_zone(client):
    summer_noon_utc = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    for zone, shown in (("Europe/Copenhagen", "1 Jun 2026, 14:00"), ("UTC", "1 Jun 2026, 12:00")):
        person = PatientFactory(timezone=zone)
        client.force_login(person)
        with time_machine.travel(summer_noon_utc, tick=False):
            client.post(reverse("accounts:api_tokens"))
            page = client.get(reverse("accounts:api_tokens")).content.decode()
        assert shown in page, (zone, shown)
