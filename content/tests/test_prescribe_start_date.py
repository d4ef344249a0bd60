"""A programme cannot be prescribed to start in the past: today (in the prescriber's own time
zone) is the earliest start, on the page and in the API, and a refused prescription stores
nothing."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from content.models import Enrolment, Prescription

pytestmark = pytest.mark.django_db

# 23:30 UTC on 7 March is already 8 March in Copenhagen (the factories' default zone) and
# still 7 March in London: "today" is the prescriber's own day.
NOW = datetime(2027, 3, 7, 23, 30, tzinfo=UTC)
TODAY = date(2027, 3, 8)
YESTERDAY = date(2027, 3, 7)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _form(client, gp, workspace, programme, start_on):
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    return client.post(
        reverse("clinician:programme_prescribe", args=[workspace.pk]),
        {"programme": programme.pk, "note": "", "start_on": str(start_on)},
    )


def _api(gp, workspace, programme, start_on):
    api = APIClient()
    api.force_authenticate(gp)
    return api.post(
        reverse("api:enrolment-create", args=[workspace.pk]),
        {"programme": str(programme.pk), "start_on": str(start_on)},
        format="json",
    )


def test_the_form_accepts_today(client, gp, gp_membership, workspace, programme):
    assert gp.timezone == "Europe/Copenhagen"
    assert _form(client, gp, workspace, programme, TODAY).status_code == 302
    assert Enrolment.objects.get().start_on == TODAY


def test_the_form_refuses_yesterday_on_the_field(client, gp, gp_membership, workspace, programme):
    response = _form(client, gp, workspace, programme, YESTERDAY)
    assert response.status_code == 200
    assert "cannot start in the past" in " ".join(response.context["form"].errors["start_on"])
    assert not Enrolment.objects.exists() and not Prescription.objects.exists()


def test_the_form_refuses_a_date_years_ago(client, gp, gp_membership, workspace, programme):
    response = _form(client, gp, workspace, programme, date(2026, 1, 5))
    assert "start_on" in response.context["form"].errors
    assert not Enrolment.objects.exists()


def test_the_api_accepts_today(gp, gp_membership, workspace, programme):
    response = _api(gp, workspace, programme, TODAY)
    assert response.status_code == 201
    assert response.json()["start_on"] == str(TODAY)


def test_the_api_refuses_yesterday_naming_the_field(gp, gp_membership, workspace, programme):
    response = _api(gp, workspace, programme, YESTERDAY)
    assert response.status_code == 400
    assert "cannot start in the past" in " ".join(response.json()["start_on"])
    assert not Enrolment.objects.exists() and not Prescription.objects.exists()


def test_today_is_the_prescribers_own_day(gp, gp_membership, workspace, programme):
    gp.timezone = "Europe/London"
    gp.save(update_fields=["timezone"])
    # Still 7 March in London: the 7th is today there, and the 6th is refused.
    assert _api(gp, workspace, programme, YESTERDAY).status_code == 201
    assert _api(gp, workspace, programme, date(2027, 3, 6)).status_code == 400
