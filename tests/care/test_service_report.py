"""The service report: every metric on hand-built courses, small counts suppressed, managers
only, never a patient, audited, flat in queries (docs/service-report.md)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Team, User
from alerts.models import Alert
from care.models import Course, Invitation
from care.reports import BY_CLINICIAN, BY_TEAM, Period
from clinician_app.service import report
from guidance.models import GuidanceEntry
from measures.models import Response
from records.models import AuditEvent
from reports.suppression import FEWER_THAN_5
from tests.factories import (
    GPFactory,
    ModeratorFactory,
    OrganisationFactory,
    PatientFactory,
    TherapistFactory,
    add_member,
    workspace_for,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
PERIOD = Period(start=datetime(2026, 1, 1, tzinfo=UTC), end=datetime(2027, 1, 1, tzinfo=UTC))
CANARY = "Zara Canaryfield"


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="North Practice")


@pytest.fixture
def teams(organisation):
    return (
        Team.objects.create(organisation=organisation, name="Team A"),
        Team.objects.create(organisation=organisation, name="Team B"),
    )


@pytest.fixture
def manager(organisation):
    return ModeratorFactory(
        organisation=organisation, role=User.Role.ORG_ADMIN, full_name="Mia Manager"
    )


def _response(workspace, code, total, at):
    return Response.objects.create(
        workspace=workspace,
        instrument=code,
        instrument_version="1",
        status=Response.Status.COMPLETED,
        total=total,
        completed_at=at,
    )


def _course(lead, *, start_day=0, end_day=None, pairs=(), name="Pat Person", how="discharged"):
    """A course of a new patient led by ``lead``, with PHQ-9/GAD-7 pairs at (day, phq9, gad7)."""
    workspace = workspace_for(PatientFactory(full_name=name))
    course = Course.objects.create(
        workspace=workspace,
        started_how="prescribed",
        started_at=T0 + timedelta(days=start_day),
        organisation=lead.organisation,
        team=lead.team,
        lead=lead,
    )
    if end_day is not None:
        Course.objects.filter(pk=course.pk).update(
            status="ended", ended_at=T0 + timedelta(days=end_day), ended_how=how
        )
    for day, phq9, gad7 in pairs:
        _response(workspace, "phq9", phq9, T0 + timedelta(days=day))
        _response(workspace, "gad7", gad7, T0 + timedelta(days=day, hours=2))
    return course


def _column(built, section_key, column_key):
    section = next(s for s in built.sections if s.key == section_key)
    return next(c for c in section.columns if c.key == column_key)


def _value(cell):
    return cell.value if hasattr(cell, "value") else cell


def test_every_outcome_metric_on_hand_built_courses(organisation, teams):
    lead = GPFactory(organisation=organisation, team=teams[0])
    # 6 recover reliably, 2 improve without recovering, 1 deteriorates, 1 below caseness at the
    # start (whose GAD-7 reliably improves), 1 with a single pair only, 1 ended outside the
    # period.
    for _ in range(6):
        _course(lead, end_day=60, pairs=[(0, 18, 14), (55, 4, 3)])
    for _ in range(2):
        _course(lead, end_day=60, pairs=[(0, 22, 18), (55, 14, 12)])
    _course(lead, end_day=60, pairs=[(0, 12, 9), (55, 20, 16)])
    _course(lead, end_day=60, pairs=[(0, 6, 5), (55, 2, 1)])
    _course(lead, end_day=60, pairs=[(0, 18, 14)])
    _course(lead, start_day=-400, end_day=-300, pairs=[(-400, 18, 14), (-310, 3, 2)])
    built = report.build(organisation, PERIOD, BY_TEAM)
    row = 0  # Team A
    assert _value(_column(built, "outcomes", "courses_ended").cells[row]) == 11
    assert _value(_column(built, "outcomes", "paired").cells[row]) == 10
    assert _value(_column(built, "outcomes", "caseness").cells[row]) == 9
    assert _value(_column(built, "outcomes", "recovered").cells[row]) == 6
    assert _value(_column(built, "outcomes", "reliable_improvement").cells[row]) == 9
    assert _value(_column(built, "outcomes", "reliable_recovery").cells[row]) == 6
    assert _column(built, "outcomes", "recovery_rate").cells[row] == pytest.approx(6 / 9)
    assert _column(built, "outcomes", "improvement_rate").cells[row] == pytest.approx(9 / 10)
    # One deterioration: below 5, so hidden, and its rate with it.
    worse = _column(built, "outcomes", "reliable_deterioration").cells[row]
    assert worse.state == FEWER_THAN_5 and worse.value is None
    assert _column(built, "outcomes", "deterioration_rate").cells[row] is None


def test_the_paired_rule_needs_both_measures_within_a_week(organisation, teams):
    lead = GPFactory(organisation=organisation, team=teams[0])
    for _ in range(5):
        course = _course(lead, end_day=60, pairs=[(0, 18, 14)])
        # A final PHQ-9 and a GAD-7 nine days apart: no second pair.
        _response(course.workspace, "phq9", 4, T0 + timedelta(days=50))
        _response(course.workspace, "gad7", 3, T0 + timedelta(days=59))
    built = report.build(organisation, PERIOD, BY_TEAM)
    assert _value(_column(built, "outcomes", "courses_ended").cells[0]) == 5
    assert _column(built, "outcomes", "paired").cells[0].state == FEWER_THAN_5


def test_the_funnel_the_safety_and_the_relationship_figures(organisation, teams):
    lead = GPFactory(organisation=organisation, team=teams[0])
    for i in range(6):
        Invitation.objects.create(
            email=f"p{i}@example.test", invited_by=lead, expires_at=T0 + timedelta(days=30)
        )
    courses = [_course(lead, end_day=60 if i < 5 else None) for i in range(7)]
    for course in courses[:6]:
        alert = Alert.objects.create(workspace=course.workspace, kind="risk", severity="urgent")
        Alert.objects.filter(pk=alert.pk).update(
            created_at=T0 + timedelta(days=3),
            acknowledged_at=T0 + timedelta(days=3, minutes=10 * (courses.index(course) + 1)),
        )
    built = report.build(organisation, PERIOD, BY_TEAM)
    assert _value(_column(built, "funnel", "invited").cells[0]) == 6
    assert _value(_column(built, "funnel", "courses_started").cells[0]) == 7
    assert _value(_column(built, "funnel", "discharged").cells[0]) == 5
    assert _value(_column(built, "safety", "risk_alerts").cells[0]) == 6
    assert _column(built, "safety", "ack_median").cells[0] == pytest.approx(35)
    assert _column(built, "safety", "ack_p90").cells[0] == pytest.approx(55)
    assert _value(_column(built, "relationship", "in_care").cells[0]) == 7


def test_guidance_minutes_are_per_course_in_care(organisation, teams):
    lead = GPFactory(organisation=organisation, team=teams[0])
    for _ in range(5):
        course = _course(lead)
        membership = add_member(course.workspace, lead, [])
        GuidanceEntry.objects.create(
            workspace=course.workspace,
            membership=membership,
            clinician=lead,
            kind="message",
            minutes=12,
            occurred_at=T0 + timedelta(days=5),
            last_activity_at=T0 + timedelta(days=5),
        )
    built = report.build(organisation, PERIOD, BY_TEAM)
    assert _column(built, "relationship", "minutes_per_course").cells[0] == pytest.approx(12)


def test_small_counts_are_hidden_in_every_table_and_the_csv(client, organisation, teams, manager):
    a = GPFactory(organisation=organisation, team=teams[0])
    b = TherapistFactory(organisation=organisation, team=teams[1])
    for _ in range(9):
        _course(a, end_day=60, pairs=[(0, 18, 14), (55, 4, 3)])
    for _ in range(2):
        _course(b, end_day=60, pairs=[(0, 18, 14), (55, 4, 3)], name=CANARY)
    for by in (BY_TEAM, BY_CLINICIAN):
        built = report.build(organisation, PERIOD, by)
        for section in built.sections:
            for column in section.columns:
                for cell in [*column.cells, column.total]:
                    if hasattr(cell, "state") and cell.value is not None:
                        assert cell.value >= 5
    client.force_login(manager, backend="accounts.backends.EmailBackend")
    page = client.get(
        reverse("clinician:service_report"),
        {"start": "2026-01-01", "end": "2026-12-31", "by": "team"},
    )
    body = page.content.decode()
    assert page.status_code == 200 and "fewer than 5" in body and "Team B" in body
    assert CANARY not in body and "Zara" not in body
    download = client.get(
        reverse("clinician:service_report_csv"),
        {"start": "2026-01-01", "end": "2026-12-31", "by": "clinician"},
    )
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    numbers = [int(v) for line in rows for v in line[1:] if v.isdigit()]
    assert numbers and min(numbers) >= 5
    assert CANARY not in download.content.decode()
    assert AuditEvent.objects.filter(action="reports.service.read", actor=manager).count() == 1
    assert AuditEvent.objects.filter(action="reports.service.download", actor=manager).exists()


def test_only_the_organisations_manager_sees_the_report(client, organisation, manager):
    url = reverse("clinician:service_report")
    for user in (
        GPFactory(organisation=organisation),
        PatientFactory(),
        ModeratorFactory(organisation=organisation),
        User.objects.create_superuser(
            email="root@example.test", password="x" * 12, full_name="Root"
        ),
    ):
        client.force_login(user, backend="accounts.backends.EmailBackend")
        assert client.get(url).status_code == 403
        assert client.get(reverse("clinician:service_report_csv")).status_code == 403
    client.force_login(manager, backend="accounts.backends.EmailBackend")
    assert client.get(url).status_code == 200
    # The manager never reaches a patient's page.
    course = _course(GPFactory(organisation=organisation), name=CANARY)
    for name in ("clinician:patient_overview", "clinician:course_discharge"):
        assert client.get(reverse(name, args=[course.workspace_id])).status_code == 403
    assert client.get(reverse("clinician:caseload")).status_code == 403


def test_another_organisations_courses_are_not_counted(organisation, teams):
    elsewhere = GPFactory(organisation=OrganisationFactory(name="South Clinic"))
    for _ in range(6):
        _course(elsewhere, end_day=60)
    built = report.build(organisation, PERIOD, BY_TEAM)
    total = _column(built, "outcomes", "courses_ended").total
    assert total.state == FEWER_THAN_5


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-12-31", "end": "2026-01-01"},
        {"start": "0001-01-01", "end": "2026-01-01"},
        {"start": "2026-01-01\x00", "end": "2026-02-01"},
        {"start": "2000-01-01", "end": "2026-02-01"},
        {"start": "yesterday", "end": "2026-02-01"},
        {"start": "2026-01-01", "end": "2026-02-01", "by": "patient"},
    ],
)
def test_a_bad_period_gets_a_clear_error(client, manager, query):
    client.force_login(manager, backend="accounts.backends.EmailBackend")
    page = client.get(reverse("clinician:service_report"), query)
    assert page.status_code == 400
    assert client.get(reverse("clinician:service_report_csv"), query).status_code == 400
    assert not AuditEvent.objects.filter(action__startswith="reports.service").exists()


def test_the_report_costs_the_same_queries_for_2_courses_or_50(
    client, organisation, teams, manager
):
    lead = GPFactory(organisation=organisation, team=teams[0])
    client.force_login(manager, backend="accounts.backends.EmailBackend")
    query = {"start": "2026-01-01", "end": "2026-12-31", "by": "team"}

    def cost(n):
        while Course.objects.count() < n:
            _course(lead, end_day=60, pairs=[(0, 18, 14), (55, 4, 3)])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("clinician:service_report"), query).status_code == 200
        return len(queries)

    assert cost(2) == cost(50)
