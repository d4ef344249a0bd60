"""The caseload: attention order, filters, recency in words, columns, constant queries."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts import services as alert_services
from alerts.models import Alert, AlertKind
from care.models import Workspace
from care.sections import Section
from clinician_app import caseload_columns
from clinician_app.caseload import PAGE_SIZE
from clinician_app.caseload_columns import Column
from records.models import AccessLogEntry
from tests.factories import ALL_SECTIONS, GPFactory, PatientFactory, add_member, workspace_for

pytestmark = pytest.mark.django_db

URL = reverse("clinician:caseload")


def login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


@pytest.fixture
def habit_column(monkeypatch):
    """One more column, as the face would compose it: one query for the whole page."""
    seen = []

    def loader(workspace_ids, clinician):
        seen.append(list(workspace_ids))
        rows = Workspace.objects.filter(pk__in=workspace_ids).values_list("pk", "created_at")
        return {pk: f"streak-{created:%Y}" for pk, created in rows}

    extra = Column(key="test_habits", label="Habit streak", section=Section.HABITS, loader=loader)
    monkeypatch.setattr(caseload_columns, "COLUMNS", (*caseload_columns.COLUMNS, extra))
    return seen


def test_queries_are_the_same_for_10_100_and_1000_patients(client, bulk, habit_column):
    counts = []
    for size in (10, 100, 1000):
        gp = GPFactory()
        bulk(gp, size)
        login(client, gp)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL)
        assert response.status_code == 200
        body = response.content.decode()
        # Every patient is counted and ordered; one page of them is shown.
        assert body.count("data-workspace=") == min(size, PAGE_SIZE)
        assert f"{size} patients" in body
        counts.append(len(ctx.captured_queries))
    # session, user, memberships (plain values), consent, alert counts, cadences, the
    # contributed column, ONE access-log insert for the rows shown, pending invites.
    assert counts[0] == counts[1] == counts[2], counts
    assert AccessLogEntry.objects.filter(section="caseload").count() == 10 + 100 + PAGE_SIZE
    assert [len(ids) for ids in habit_column] == [5, 50, PAGE_SIZE // 2], (
        "the column loads only the rows shown (every other one shares habits)"
    )


def test_a_large_caseload_is_paged_attention_first_over_every_patient(client, bulk):
    gp = GPFactory()
    workspaces = bulk(gp, 250)
    login(client, gp)
    first = client.get(URL + "?sort=attention").content.decode()
    assert "Page 1 of 3" in first and "showing 1 to 100" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert "page=2" in first
    # Urgent patients (every fifth) come before everyone else, across the whole caseload:
    # page 1 starts with all 50 of them, whatever their names.
    attention = [int(a) for a in re.findall(r'data-attention="(\d)"', first)]
    assert attention == sorted(attention) and attention[:50] == [0] * 50
    third = client.get(URL + "?sort=attention&page=3").content.decode()
    assert third.count("data-workspace=") == 50 and "showing 201 to 250" in third
    shown = set(re.findall(r'data-workspace="([0-9a-f-]+)"', first + third))
    second = client.get(URL + "?sort=attention&page=2").content.decode()
    shown |= set(re.findall(r'data-workspace="([0-9a-f-]+)"', second))
    assert shown == {str(w.pk) for w in workspaces}, "every patient on exactly one page"
    # The filter counts are over every patient, not the page.
    assert "Urgent alerts (50)" in first


@pytest.mark.parametrize(("page", "shown"), [("nope", "page 1"), ("0", "page 1"), ("9", "page 2")])
def test_a_page_that_does_not_exist_shows_the_nearest_with_a_message(client, bulk, page, shown):
    gp = GPFactory()
    bulk(gp, 120)
    response = login(client, gp).get(URL + f"?page={page}")
    assert response.status_code == 200
    assert f"That page does not exist: showing {shown}." in response.content.decode()


def test_needs_attention_first_urgent_then_overdue_review_then_quiet(client, gp):
    def patient(name, quiet_days):
        ws = workspace_for(PatientFactory(full_name=name))
        membership = add_member(ws, gp, ALL_SECTIONS)
        Workspace.objects.filter(pk=ws.pk).update(
            last_activity_at=timezone.now() - timedelta(days=quiet_days)
        )
        return ws, membership

    calm, _ = patient("Anna Calm", 1)
    quiet, _ = patient("Bea Quiet", 10)
    overdue, overdue_m = patient("Cleo Overdue", 1)
    urgent, _ = patient("Dan Urgent", 1)
    alert_services.cadence_update(
        membership=overdue_m,
        by=gp,
        inactivity_days=7,
        review_interval_days=14,
        next_review_on=timezone.localdate() - timedelta(days=2),
    )
    alert_services.alert_raise(workspace=urgent, kind="risk", severity="urgent", source_id="e1")
    body = login(client, gp).get(URL).content.decode()
    order = [body.index(f'data-workspace="{w.pk}"') for w in (urgent, overdue, quiet, calm)]
    assert order == sorted(order)
    assert "Urgent alert" in body and "Review overdue" in body and "Gone quiet" in body
    assert "Quiet for 10 days" in body, "recency is given in words, not by colour alone"
    assert "recency-inactive" in body and "Active 1 day ago" in body

    by_name = login(client, gp).get(URL + "?sort=name").content.decode()
    names = [by_name.index(n) for n in ("Anna Calm", "Bea Quiet", "Cleo Overdue", "Dan Urgent")]
    assert names == sorted(names)

    only_urgent = login(client, gp).get(URL + "?show=urgent").content.decode()
    assert "Dan Urgent" in only_urgent and "Anna Calm" not in only_urgent
    assert AccessLogEntry.objects.filter(section="caseload", workspace=calm.pk).count() == 2, (
        "rows filtered out are not read, so not logged"
    )


def test_bad_filter_and_sort_values_are_ignored_with_a_message(client, gp, gp_membership):
    response = login(client, gp).get(URL + "?show=%3Cscript%3E&sort=DROP")
    assert response.status_code == 200
    body = response.content.decode()
    assert "That filter is not known" in body and "That order is not known" in body
    assert "<script>" not in body


def test_unshared_sections_read_not_shared(client, gp, therapist, workspace, habit_column):
    add_member(workspace, gp, [Section.HABITS, Section.PROGRESS])
    add_member(workspace, therapist, [])
    gp_body = login(client, gp).get(URL).content.decode()
    assert f"streak-{workspace.created_at:%Y}" in gp_body
    therapist_body = login(client, therapist).get(URL).content.decode()
    assert "streak-" not in therapist_body
    assert therapist_body.count("not shared") >= 2  # activity and the habit column
    assert habit_column == [[workspace.pk]], "only the GP's page asked for the shared workspace"


def test_alerts_the_clinician_may_not_see_are_not_counted(client, therapist, workspace):
    add_member(workspace, therapist, [])
    alert_services.alert_raise(
        workspace=workspace, kind="severe_score", severity="urgent", source_id="x"
    )
    body = login(client, therapist).get(URL).content.decode()
    assert f'data-workspace="{workspace.pk}" data-attention="4"' in body
    assert "1 urgent" not in body and "1 open" not in body
    assert Alert.objects.filter(kind=AlertKind.SEVERE_SCORE).count() == 1


def test_a_risk_alert_counts_for_every_member_whatever_is_shared(client, therapist, workspace):
    add_member(workspace, therapist, [])
    alert_services.alert_raise(workspace=workspace, kind="risk", severity="urgent", source_id="x")
    body = login(client, therapist).get(URL).content.decode()
    assert f'data-workspace="{workspace.pk}" data-attention="0"' in body
    assert "1 urgent" in body


def test_only_the_rows_shown_are_read_as_model_instances(client, bulk):
    """Every patient is ordered and counted from plain values; only the page's memberships,
    workspaces and patients are loaded as models."""
    from django.db.models.signals import post_init

    from accounts.models import User
    from care.models import CareTeamMembership

    gp = GPFactory()
    bulk(gp, PAGE_SIZE + 50)
    login(client, gp)
    made = []

    def count(sender, **kwargs):
        made.append(sender)

    for model in (CareTeamMembership, Workspace, User):
        post_init.connect(count, sender=model)
    try:
        body = client.get(URL + "?sort=name&page=2").content.decode()
    finally:
        for model in (CareTeamMembership, Workspace, User):
            post_init.disconnect(count, sender=model)
    assert body.count("data-workspace=") == 50 and "Bulk Patient 0149" in body
    assert made.count(CareTeamMembership) == 50
    assert made.count(Workspace) == 50
    assert made.count(User) <= 50 + 1  # the patients shown, and the signed-in clinician


def test_a_row_links_to_the_patient_and_their_alerts_and_names_what_is_shared(client, therapist):
    ws = workspace_for(PatientFactory(full_name="Rita Row"))
    add_member(ws, therapist, [Section.MEASURES, Section.PROGRESS, Section.JOURNAL])
    alert_services.alert_raise(workspace=ws, kind="risk", severity="urgent", source_id="r1")
    quiet = workspace_for(PatientFactory(full_name="Quinn Quiet"))
    add_member(quiet, therapist, [])
    body = login(client, therapist).get(URL).content.decode()
    overview = reverse("clinician:patient_overview", args=[ws.pk])
    alerts = reverse("clinician:alert_list")
    assert f'<a href="{overview}">Rita Row</a><br><span class="muted">Therapist</span>' in body
    assert f'<a href="{alerts}?patient={ws.pk}">1 open</a>' in body
    assert '<span class="attention attention-0">Urgent alert</span>' in body
    # In the sections' own order, whatever order they were shared in.
    assert (
        '<td><span class="badge badge-shared">Programme progress</span>'
        '<span class="badge badge-shared">Questionnaires and scores</span>'
        '<span class="badge badge-shared">Exercise answers and journal</span></td>'
    ) in body
    row = body[body.index(f'data-workspace="{quiet.pk}"') :]
    row = row[: row.index("</tr>")]
    assert '<span class="muted">No</span>' in row and '<span class="muted">not set</span>' in row
    assert '<span class="not-shared">nothing shared yet</span>' in row
    assert '<span class="muted">none</span>' in row


def test_a_page_of_the_caseload_costs_nine_queries_whatever_its_size(bulk):
    """The page's own reads, without the request's (session, account, access log, invites)."""
    from clinician_app.caseload import caseload_page

    gp = GPFactory()
    bulk(gp, PAGE_SIZE + 20)
    with CaptureQueriesContext(connection) as ctx:
        page = caseload_page(clinician=gp)
    assert len(page.rows) == PAGE_SIZE
    # Every patient: memberships (with names and covers), consent, alert counts, cadences. The
    # rows shown: programme, unread messages, habits (habits, check days), scores (check-ins
    # are shared by none here).
    assert len(ctx.captured_queries) == 9, [q["sql"][:60] for q in ctx.captured_queries]
