"""Every list page and list endpoint costs the same number of queries at 2 and at 50 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from care.sections import Section
from records import services as records_services
from tests.factories import GPFactory, PatientFactory, add_member, workspace_for

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def caseload_of(size):
    gp = GPFactory()
    for _ in range(size):
        add_member(workspace_for(PatientFactory()), gp, [Section.PROGRESS, Section.GOALS])
    return gp


def grow_patient_data(patient, workspace, size):
    """A care team of `size` members, and `size` access-log entries."""
    for _ in range(size):
        gp = GPFactory()
        add_member(workspace, gp, [Section.PROGRESS])
        records_services.access_record(actor=gp, workspace=workspace, section="overview")


@pytest.mark.parametrize(
    "url",
    [reverse("clinician:caseload"), reverse("api:caseload"), reverse("api:workspace-list")],
)
def test_clinician_lists_are_flat(client, url):
    counts = []
    for size in (2, 50):
        gp = caseload_of(size)
        client.force_login(gp, backend="accounts.backends.EmailBackend")
        counts.append(count_queries(client, url))
    # Expected: session, user, the entries of every patient (memberships, consent, alert
    # counts, cadences), one query per contributed column, one access-log INSERT for the whole
    # list, pending invitations (page only).
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    "name",
    [
        "patient:care_team",
        "patient:sharing",
        "patient:access_log",
        "patient:dashboard",
        "api:member-list",
        "api:access-log",
    ],
)
def test_patient_lists_are_flat(client, name):
    counts = []
    for size in (2, 50):
        patient = PatientFactory()
        workspace = workspace_for(patient)
        grow_patient_data(patient, workspace, size)
        client.force_login(patient, backend="accounts.backends.EmailBackend")
        url = reverse(
            name, kwargs={"workspace_id": workspace.pk} if name.startswith("api:") else {}
        )
        counts.append(count_queries(client, url))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_a_clinicians_workspaces_are_found_by_index_not_by_scanning_every_workspace(
    gp, gp_membership
):
    """SQLite planned the old EXISTS-per-workspace form as a scan of every workspace, so each
    authorization grew with the database (docs/benchmarks.md)."""
    from care import policies

    if connection.vendor != "sqlite":
        pytest.skip("the plan is SQLite's; PostgreSQL plans both forms as a semi-join")
    sql, params = policies.workspaces_for_user(gp).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " | ".join(row[-1] for row in cursor.fetchall())
    assert "SCAN" not in plan, plan
    assert "SEARCH care_workspace" in plan, plan
    assert [w.pk for w in policies.workspaces_for_user(gp)] == [gp_membership.workspace_id]
