import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from measures import services
from measures.models import Reminder, Response, SafetyEvent
from records.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _url(name, workspace, **kwargs):
    return reverse(f"api:{name}", kwargs={"workspace_id": workspace.pk, **kwargs})


def test_patient_answers_through_the_api_and_item_nine_raises_safety(patient, workspace):
    api = _api(patient)
    started = api.post(
        _url("measure-response-list", workspace), {"instrument": "phq9"}, format="json"
    )
    assert started.status_code == 201
    rid = started.json()["id"]
    detail = _url("measure-response-detail", workspace, response_id=rid)
    saved = api.patch(detail, {"answers": {"9": 2}}, format="json")
    assert saved.status_code == 200 and saved.json()["safety_raised"] is True
    assert SafetyEvent.objects.filter(response_id=rid).exists()
    complete = _url("measure-response-complete", workspace, response_id=rid)
    refused = api.post(complete)
    assert refused.status_code == 400 and "missing" in str(refused.json())
    assert Response.objects.get(pk=rid).status == "in_progress"
    api.patch(detail, {"answers": {str(n): 0 for n in range(1, 9)}}, format="json")
    done = api.post(complete)
    assert done.status_code == 200 and done.json()["total"] == 2
    assert api.post(complete).json()["completed_at"] == done.json()["completed_at"]


@pytest.mark.parametrize(
    "body",
    [{"answers": {"10": 1}}, {"answers": {"1": 5}}, {"answers": {}}, {"answers": "x"}, {}],
)
def test_bad_answers_are_400_and_nothing_is_stored(patient, workspace, body):
    response = services.response_start(workspace=workspace, instrument="phq9", by=patient)
    reply = _api(patient).patch(
        _url("measure-response-detail", workspace, response_id=response.pk), body, format="json"
    )
    assert reply.status_code == 400
    response.refresh_from_db()
    assert response.answers == {}


def test_a_clinician_cannot_answer_for_the_patient(patient, workspace, gp, gp_membership):
    response = services.response_start(workspace=workspace, instrument="phq9", by=patient)
    reply = _api(gp).patch(
        _url("measure-response-detail", workspace, response_id=response.pk),
        {"answers": {"9": 3}},
        format="json",
    )
    assert reply.status_code == 403
    assert not SafetyEvent.objects.exists()


def test_someone_elses_workspace_is_404(patient, workspace, other_patient):
    reply = _api(other_patient).post(
        _url("measure-response-list", workspace), {"instrument": "phq9"}, format="json"
    )
    assert reply.status_code == 404
    assert not Response.objects.exists()


def _fill(workspace, patient, n):
    for k in range(n):
        response = services.response_start(workspace=workspace, instrument="gad7", by=patient)
        services.response_save_answers(
            response=response, answers=dict.fromkeys(range(1, 8), k % 4), by=patient
        )
        services.response_complete(response=response, by=patient)


@pytest.mark.parametrize(
    "name", ["measure-response-list", "measure-trend-list", "measure-reminder-list"]
)
def test_list_endpoints_have_flat_query_counts_and_log_clinician_reads(
    name, patient, workspace, gp, gp_membership
):
    schedule = services.schedule_set(
        workspace=workspace, instrument="gad7", starts_on=timezone.localdate(), by=gp
    )
    api = _api(gp)

    def measure(n):
        _fill(workspace, patient, n)
        start = Reminder.objects.count()
        for k in range(n):
            Reminder.objects.create(
                workspace=workspace,
                schedule=schedule,
                due_on=timezone.localdate() - timezone.timedelta(days=start + k + 1),
            )
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(_url(name, workspace)).status_code == 200
        return len(ctx)

    small = measure(2)
    assert measure(48) == small
    assert AccessLogEntry.objects.filter(actor=gp, section="measures", via="api").count() == 2


def test_schedule_put_upserts_and_refuses_bad_input(patient, workspace, gp, gp_membership):
    api = _api(gp)
    url = _url("measure-schedule-list", workspace)
    body = {"instrument": "phq9", "starts_on": "2026-02-01", "every_weeks": 2}
    assert api.put(url, body, format="json").status_code == 200
    assert api.put(url, body | {"every_weeks": 4}, format="json").status_code == 200
    assert workspace.measure_schedules.get().every_weeks == 4
    for bad in (
        {**body, "instrument": "nope"},
        {**body, "every_weeks": 0},
        {**body, "ends_on": "2026-01-01"},
    ):
        assert api.put(url, bad, format="json").status_code == 400
    assert workspace.measure_schedules.get().every_weeks == 4


def test_instrument_list(patient):
    data = _api(patient).get(reverse("api:measure-instrument-list")).json()
    phq9 = next(i for i in data if i["code"] == "phq9")
    assert len(phq9["items"]) == 9 and phq9["reliable_change"] == 6
    assert [b["min"] for b in phq9["bands"]] == [0, 5, 10, 15, 20]
