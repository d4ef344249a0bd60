"""Guidance time pages: the per-patient entries, the monthly report and its CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from care import services as care
from guidance import services
from guidance.models import GuidanceEntry
from records.models import AccessLogEntry
from tests.factories import ALL_SECTIONS, GPFactory, PatientFactory, add_member, workspace_for

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


def _add(membership, minutes, *, on=None):
    return services.guidance_add(
        membership=membership,
        by=membership.clinician,
        kind="other",
        minutes=minutes,
        occurred_on=on or timezone.localdate(),
    )


def test_a_clinician_adds_and_corrects_time_by_hand(client, gp, gp_membership, workspace):
    login(client, gp)
    url = reverse("clinician:guidance_patient", args=[workspace.pk])
    today = timezone.localdate().isoformat()
    response = client.post(url, {"kind": "other", "minutes": "15", "occurred_on": today})
    assert response.status_code == 302
    entry = GuidanceEntry.objects.get()
    assert (entry.minutes, entry.manual) == (15, True)
    page = client.get(url, {"edit": str(entry.pk)}).content.decode()
    assert 'value="15"' in page and "Correct your entry" in page
    client.post(
        url,
        {"entry": str(entry.pk), "kind": "review", "minutes": "25", "occurred_on": today},
    )
    entry.refresh_from_db()
    assert (entry.kind, entry.minutes) == ("review", 25)
    assert AccessLogEntry.objects.filter(actor=gp, workspace=workspace, section="guidance").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "other", "minutes": "0"},
        {"kind": "other", "minutes": "abc"},
        {"kind": "other", "minutes": "100000"},
        {"kind": "holiday", "minutes": "5"},
        {"kind": "other", "minutes": "5", "occurred_on": "2999-01-01"},
        {"kind": "other", "minutes": "5", "occurred_on": "not a date"},
        {"kind": "other", "minutes": "5", "entry": "not-a-uuid"},
    ],
)
def test_bad_input_is_a_form_error_and_changes_nothing(client, gp, gp_membership, workspace, data):
    login(client, gp)
    data = {"occurred_on": timezone.localdate().isoformat()} | data
    response = client.post(reverse("clinician:guidance_patient", args=[workspace.pk]), data)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not GuidanceEntry.objects.exists()


def test_someone_elses_entry_cannot_be_corrected_through_the_form(
    client, gp, gp_membership, workspace
):
    colleague = GPFactory()
    theirs = _add(add_member(workspace, colleague, ALL_SECTIONS), 10)
    login(client, gp)
    url = reverse("clinician:guidance_patient", args=[workspace.pk])
    response = client.post(
        url,
        {
            "entry": str(theirs.pk),
            "kind": "other",
            "minutes": "99",
            "occurred_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    theirs.refresh_from_db()
    assert theirs.minutes == 10
    assert str(theirs.pk) not in client.get(url).content.decode()


def test_the_overview_shows_minutes_per_month(client, gp, gp_membership, workspace):
    colleague = GPFactory()
    _add(add_member(workspace, colleague, ALL_SECTIONS), 30)
    _add(gp_membership, 12)
    login(client, gp)
    page = client.get(reverse("clinician:patient_overview", args=[workspace.pk])).content.decode()
    month = timezone.localdate().strftime("%Y-%m")
    row = page[page.index(f'data-month="{month}"') :]
    assert "<td>12</td><td>42</td>" in row[: row.index("</tr>")]


def test_the_report_names_only_current_patients_and_offers_csv(client, gp, gp_membership):
    former = workspace_for(PatientFactory(full_name="Fiona Former"))
    former_membership = add_member(former, gp, ALL_SECTIONS)
    _add(former_membership, 20)
    care.membership_end(membership=former_membership, by=former.patient)
    _add(gp_membership, 15)
    login(client, gp)
    page = client.get(reverse("clinician:guidance_report")).content.decode()
    assert "Pat Patient" in page and "Fiona Former" not in page
    assert "Former patient (care ended)" in page and "<td>35</td>" in page
    response = client.get(
        reverse("clinician:guidance_report_csv"), {"month": timezone.localdate().strftime("%Y-%m")}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["Month", "Patient", "Reference", "Minutes", "Entries"]
    assert {(r[1], r[3]) for r in rows[1:]} == {("Pat Patient", "15"), ("Former patient", "20")}
    assert "Fiona" not in response.content.decode()


def test_the_report_ignores_a_bad_month_and_the_csv_refuses_it(client, gp, gp_membership):
    login(client, gp)
    assert client.get(reverse("clinician:guidance_report"), {"month": "13-2026"}).status_code == 200
    bad = client.get(reverse("clinician:guidance_report_csv"), {"month": "2026-13"})
    assert bad.status_code == 400


def test_last_months_time_is_in_last_months_report(client, gp, gp_membership):
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    _add(gp_membership, 40, on=last_month)
    login(client, gp)
    this = client.get(reverse("clinician:guidance_report")).content.decode()
    before = client.get(
        reverse("clinician:guidance_report"), {"month": last_month.strftime("%Y-%m")}
    ).content.decode()
    assert "<td>40</td>" not in this and "<td>40</td>" in before


def test_the_report_is_flat_in_the_number_of_patients(client):
    counts = []
    for size in (2, 30):
        gp = GPFactory()
        for _ in range(size):
            membership = add_member(workspace_for(PatientFactory()), gp, [])
            _add(membership, 5)
        login(client, gp)
        for name in ("clinician:guidance_report", "clinician:guidance_report_csv"):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse(name))
            assert response.status_code == 200
            counts.append((size, name, len(ctx.captured_queries)))
        assert AccessLogEntry.objects.filter(actor=gp, section="guidance").count() == size * 2
    # session + user, the aggregate, the names of current patients, the access-log INSERT
    assert counts[0][2] == counts[2][2] and counts[1][2] == counts[3][2], counts


def test_outsiders_and_patients_do_not_reach_a_patients_guidance_page(
    client, workspace, gp_membership, outsider_clinician, patient
):
    url = reverse("clinician:guidance_patient", args=[workspace.pk])
    assert login(client, outsider_clinician).get(url).status_code == 404
    assert login(client, patient).get(url).status_code == 403


def _token(user, minutes_ago):
    from django.core import signing

    opened = int((timezone.now() - timedelta(minutes=minutes_ago)).timestamp())
    return signing.dumps({"u": str(user.pk), "t": opened}, salt="guidance.timer")


def test_the_review_form_measures_the_time_it_was_open(client, gp, gp_membership, workspace):
    login(client, gp)
    url = reverse("clinician:review_new", args=[workspace.pk])
    assert 'name="guidance_started"' in client.get(url).content.decode()
    client.post(url, {"note": "Went well.", "guidance_started": _token(gp, 7)})
    client.post(url, {"note": "Left open.", "guidance_started": _token(gp, 300)})
    client.post(url, {"note": "Forged.", "guidance_started": _token(gp, 9)[:-2] + "xx"})
    someone = GPFactory()
    client.post(url, {"note": "Not mine.", "guidance_started": _token(someone, 9)})
    minutes = sorted(GuidanceEntry.objects.filter(kind="review").values_list("minutes", flat=True))
    assert minutes == [7, 10, 10, 30]


def test_a_form_shown_again_keeps_its_first_token(client, gp, gp_membership, workspace):
    login(client, gp)
    token = _token(gp, 4)
    url = reverse("clinician:review_new", args=[workspace.pk])
    page = client.post(url, {"note": "", "guidance_started": token}).content.decode()
    assert f'value="{token}"' in page and not GuidanceEntry.objects.exists()
