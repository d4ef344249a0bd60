"""The support API: caseload, alerts, cadence and reviews."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from alerts import services
from alerts.models import Alert, CareCadence, Review
from care.sections import Section
from records.models import AccessLogEntry
from tests.factories import GPFactory, PatientFactory, add_member, workspace_for

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def inactivity(workspace, source="never-active"):
    return services.alert_raise(
        workspace=workspace, kind="inactivity", severity="routine", source_id=source
    )[0]


@pytest.mark.parametrize("name", ["api:caseload", "api:alert-list"])
def test_lists_are_flat_and_logged(name):
    counts = []
    for size in (2, 50):
        gp = GPFactory()
        for _ in range(size):
            ws = workspace_for(PatientFactory())
            add_member(ws, gp, [Section.PROGRESS])
            inactivity(ws)
        client = api(gp)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(name))
        assert response.status_code == 200
        data = response.json()
        assert len(data if isinstance(data, list) else data["results"]) == size
        counts.append(len(ctx.captured_queries))
        assert AccessLogEntry.objects.filter(actor=gp, via="api").count() == size
    assert counts[0] == counts[1], counts


def test_caseload_api_puts_attention_first_and_hides_unshared_activity(gp, therapist, workspace):
    add_member(workspace, gp, [Section.PROGRESS])
    add_member(workspace, therapist, [])
    inactivity(workspace)
    calm = workspace_for(PatientFactory(full_name="Aaron Calm"))
    add_member(calm, gp, [Section.PROGRESS])
    rows = api(gp).get(reverse("api:caseload") + "?sort=bogus&show=bogus").json()["results"]
    assert [r["workspace"] for r in rows] == [str(workspace.pk), str(calm.pk)]
    assert rows[0]["open_alerts"] == 1 and rows[0]["attention_label"] == "Open alert"
    row = api(therapist).get(reverse("api:caseload")).json()["results"][0]
    assert row["recency"] is None and row["last_activity_at"] is None and row["open_alerts"] == 0


def test_the_caseload_api_is_paged_with_the_order_over_every_patient(bulk):
    from clinician_app.caseload import PAGE_SIZE

    gp = GPFactory()
    workspaces = bulk(gp, PAGE_SIZE + 20)
    client = api(gp)
    first = client.get(reverse("api:caseload")).json()
    assert first["count"] == PAGE_SIZE + 20 and len(first["results"]) == PAGE_SIZE
    assert first["previous"] is None and "page=2" in first["next"]
    attention = [r["attention"] for r in first["results"]]
    assert attention == sorted(attention) and attention[0] == 0
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 20 and second["next"] is None
    ids = {r["workspace"] for r in first["results"] + second["results"]}
    assert ids == {str(w.pk) for w in workspaces}
    assert AccessLogEntry.objects.filter(actor=gp, via="api").count() == PAGE_SIZE + 20
    for bad in ("3", "nope", "0"):
        response = client.get(reverse("api:caseload") + f"?page={bad}")
        assert response.status_code == 404, bad
    assert AccessLogEntry.objects.filter(actor=gp, via="api").count() == PAGE_SIZE + 20


def test_acknowledge_and_resolve_through_the_api(gp, gp_membership, workspace, outsider_clinician):
    alert = inactivity(workspace)
    ack = reverse("api:alert-acknowledge", args=[alert.pk])
    resolve = reverse("api:alert-resolve", args=[alert.pk])
    assert api(outsider_clinician).post(ack).status_code == 404
    assert api(gp).post(ack).json()["status"] == "acknowledged"
    assert api(gp).post(resolve, {"note": ""}, format="json").status_code == 400
    done = api(gp).post(resolve, {"note": "Phoned."}, format="json")
    assert done.status_code == 200 and done.json()["resolution_note"] == "Phoned."
    again = api(gp).post(resolve, {"note": "Again."}, format="json")
    assert again.status_code == 409 and "already" in again.json()["detail"]
    assert api(gp).post(ack).status_code == 409
    assert Alert.objects.get().resolution_note == "Phoned."
    detail = api(gp).get(reverse("api:alert-detail", args=[alert.pk])).json()
    assert detail["status"] == "resolved" and detail["acknowledged_by"] == gp.full_name


def test_cadence_and_reviews_through_the_api(gp, gp_membership, workspace):
    url = reverse("api:cadence", args=[workspace.pk])
    assert api(gp).get(url).json() == {
        "inactivity_days": 7,
        "review_interval_days": 14,
        "next_review_on": None,
    }
    bad = api(gp).put(
        url,
        {"inactivity_days": 0, "review_interval_days": 400, "next_review_on": "x"},
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()) == {
        "inactivity_days",
        "review_interval_days",
        "next_review_on",
    }
    assert not CareCadence.objects.exists()
    due = timezone.localdate() + timedelta(days=3)
    ok = api(gp).put(
        url,
        {"inactivity_days": 4, "review_interval_days": 10, "next_review_on": due.isoformat()},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["inactivity_days"] == 4
    reviews = reverse("api:review-list", args=[workspace.pk])
    assert api(gp).post(reviews, {}, format="json").status_code == 400
    created = api(gp).post(
        reviews, {"note": "Good progress.", "shared_with_patient": True}, format="json"
    )
    assert created.status_code == 201
    assert (
        created.json()["next_review_on"] == (timezone.localdate() + timedelta(days=10)).isoformat()
    )
    assert Review.objects.get().shared_with_patient
    assert len(api(gp).get(reviews).json()) == 1
