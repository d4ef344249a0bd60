"""The cover pages: arranging, bad input as form errors, cancelling, the caseload marker."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from care import services
from care.models import CareTeamMembership, Cover
from care.sections import Section
from tests.factories import (
    GPFactory,
    OrganisationFactory,
    PatientFactory,
    TherapistFactory,
    add_member,
    local_today,
    workspace_for,
)

pytestmark = pytest.mark.django_db

URL = reverse("clinician:covers")


def login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


@pytest.fixture
def colleague(db):
    return TherapistFactory(full_name="Cara Colleague")


def today():
    """Today for the clinicians of these tests (the factories' default time zone)."""
    return local_today(GPFactory.build())


def form_data(colleague, first, last, note=""):
    return {
        "colleague": str(colleague.pk),
        "starts_on": first.isoformat(),
        "ends_on": last.isoformat(),
        "note": note,
    }


def test_arranging_cover_from_today_brings_the_colleague_in(client, gp, colleague, workspace):
    add_member(workspace, gp, [Section.GOALS])
    login(client, gp)
    response = client.post(URL, form_data(colleague, today(), today() + timedelta(days=6)))
    assert response.status_code == 302
    member = CareTeamMembership.objects.get(clinician=colleague, workspace=workspace)
    assert member.cover.absent == gp and member.is_active
    page = client.get(URL).content.decode()
    assert "Cara Colleague covers for you" in page and "under way: 1 patient" in page


@pytest.mark.parametrize(
    ("days_from", "days_to", "message"),
    [
        (-1, 2, "cannot be in the past"),
        (3, 1, "cannot be before the first day"),
        (1, 95, "at most 90 days"),
    ],
)
def test_bad_dates_are_form_errors(client, gp, colleague, days_from, days_to, message):
    login(client, gp)
    data = form_data(
        colleague, today() + timedelta(days=days_from), today() + timedelta(days=days_to)
    )
    response = client.post(URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Cover.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"colleague": "not-a-uuid", "starts_on": "tomorrow", "ends_on": "2030-02-31"},
        {"colleague": "", "starts_on": "9999-99-99", "ends_on": "x" * 5000, "note": "y" * 5000},
    ],
)
def test_malformed_input_is_a_form_error(client, gp, colleague, data):
    login(client, gp)
    response = client.post(URL, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "field--error" in body and "data-error-summary" in body
    assert not Cover.objects.exists()


def test_neither_oneself_nor_another_organisation_can_be_chosen(client, gp, colleague):
    foreign = GPFactory(
        full_name="Dr Far Away", organisation=OrganisationFactory(name="Elsewhere Clinic")
    )
    login(client, gp)
    page = client.get(URL).content.decode()
    assert "Cara Colleague" in page and "Dr Far Away" not in page
    for other in (foreign, gp):
        response = client.post(URL, form_data(other, today(), today()))
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not Cover.objects.exists()


def test_either_clinician_can_cancel_and_nobody_else(client, gp, colleague, workspace):
    add_member(workspace, gp, [Section.GOALS])
    cover = services.cover_create(
        absent=gp, colleague=colleague, starts_on=today(), ends_on=today()
    )
    cancel = reverse("clinician:cover_cancel", args=[cover.pk])
    login(client, GPFactory())
    assert client.post(cancel).status_code == 404
    cover.refresh_from_db()
    assert cover.cancelled_at is None
    login(client, colleague)
    assert client.get(cancel).status_code == 405
    assert client.post(cancel).status_code == 200  # asks first
    cover.refresh_from_db()
    assert cover.cancelled_at is None
    assert client.post(cancel, {"confirm": "yes"}).status_code == 302
    cover.refresh_from_db()
    assert cover.cancelled_at is not None
    assert not CareTeamMembership.objects.filter(clinician=colleague, status="active").exists()


def test_cover_page_queries_do_not_grow_with_covers(client, gp):
    counts = []
    login(client, gp)
    for n in (1, 5):
        while Cover.objects.filter(absent=gp).count() < n:
            i = Cover.objects.count()
            other = TherapistFactory()
            services.cover_create(
                absent=gp,
                colleague=other,
                starts_on=today() + timedelta(days=1 + 2 * i),
                ends_on=today() + timedelta(days=1 + 2 * i),
            )
            services.cover_create(
                absent=other,
                colleague=gp,
                starts_on=today() + timedelta(days=1),
                ends_on=today() + timedelta(days=1),
            )
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        counts.append(len(ctx.captured_queries))
    # session, user, colleagues (the select), colleagues exist, the covers with their count.
    assert counts[0] == counts[1], counts


def test_caseload_marks_covered_patients_with_flat_queries(client, gp, colleague):
    counts = []
    for size in (2, 6):
        absent = GPFactory()
        for _ in range(size):
            add_member(workspace_for(PatientFactory()), absent, [Section.PROGRESS])
        carer = TherapistFactory()
        cover = services.cover_create(
            absent=absent, colleague=carer, starts_on=today(), ends_on=today()
        )
        login(client, carer)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("clinician:caseload")).content.decode()
        counts.append(len(ctx.captured_queries))
        assert page.count(f'data-cover="{cover.pk}"') == size
        assert f"cover for {absent.full_name} until" in page
    assert counts[0] == counts[1], counts


API = reverse("api:cover-list")


def test_api_arranges_and_lists_covers(client, gp, colleague, workspace):
    add_member(workspace, gp, [Section.GOALS])
    login(client, gp)
    body = {
        "colleague_id": str(colleague.pk),
        "starts_on": today().isoformat(),
        "ends_on": (today() + timedelta(days=2)).isoformat(),
        "note": "Back soon",
    }
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["colleague"]["id"] == str(colleague.pk)
    assert CareTeamMembership.objects.filter(clinician=colleague, cover__isnull=False).count() == 1
    listed = client.get(API).json()
    assert [c["id"] for c in listed] == [response.json()["id"]]
    login(client, colleague)
    assert [c["absent"]["id"] for c in client.get(API).json()] == [str(gp.pk)]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"colleague_id": "nope", "starts_on": "2030-01-01", "ends_on": "2030-01-02"},
        {"colleague_id": None, "starts_on": "2030-13-01", "ends_on": []},
        {"starts_on": "2000-01-01", "ends_on": "2000-01-02", "colleague_id": "COLLEAGUE"},
        {"starts_on": "TODAY", "ends_on": "TODAY", "colleague_id": "FOREIGN"},
        {"starts_on": "TODAY", "ends_on": "TODAY", "colleague_id": "COLLEAGUE", "note": "x" * 281},
    ],
)
def test_api_bad_input_is_a_400_and_changes_nothing(client, gp, colleague, body):
    foreign = GPFactory(organisation=OrganisationFactory(name="Elsewhere Clinic"))
    names = {"COLLEAGUE": str(colleague.pk), "FOREIGN": str(foreign.pk), "TODAY": str(today())}
    body = {
        key: names.get(value, value) if isinstance(value, str) else value
        for key, value in body.items()
    }
    login(client, gp)
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert not Cover.objects.exists()


def test_api_is_for_clinicians_only(client, patient):
    login(client, patient)
    assert client.get(API).status_code == 403
    client.logout()
    assert client.get(API).status_code == 401


def test_api_cancels_a_cover_for_its_two_clinicians_only(client, gp, colleague, workspace):
    add_member(workspace, gp, [Section.GOALS])
    cover = services.cover_create(
        absent=gp, colleague=colleague, starts_on=today(), ends_on=today()
    )
    detail = reverse("api:cover-detail", args=[cover.pk])
    login(client, GPFactory())
    assert client.delete(detail).status_code == 404
    cover.refresh_from_db()
    assert cover.cancelled_at is None
    login(client, gp)
    assert client.delete(detail).status_code == 204
    cover.refresh_from_db()
    assert cover.cancelled_at is not None
    assert not CareTeamMembership.objects.filter(clinician=colleague, status="active").exists()
    assert client.delete(detail).status_code == 204  # again: nothing changes
    assert client.delete(reverse("api:cover-detail", args=[uuid.uuid4()])).status_code == 404
