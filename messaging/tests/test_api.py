"""The messaging API: pages by sequence, idempotent send, sender-only changes, flat queries."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from messaging.models import Message
from records.models import AccessLogEntry
from tests.factories import PatientFactory, add_member, workspace_for

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def messages_url(thread):
    return reverse("api:message-list", kwargs={"thread_id": thread.pk})


def test_send_is_idempotent_by_client_id(team_thread, patient):
    client_id = str(uuid.uuid4())
    first = api(patient).post(messages_url(team_thread), {"client_id": client_id, "body": "Hi"})
    again = api(patient).post(messages_url(team_thread), {"client_id": client_id, "body": "Hi"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Message.objects.count() == 1


def test_a_forged_sender_in_the_body_is_ignored(team_thread, patient, gp):
    response = api(patient).post(
        messages_url(team_thread),
        {"client_id": str(uuid.uuid4()), "body": "Hi", "sender": str(gp.pk)},
    )
    assert response.status_code == 201
    assert Message.objects.get().sender == patient


@pytest.mark.parametrize(
    "body",
    [{}, {"client_id": "x", "body": "hi"}, {"client_id": str(uuid.uuid4()), "body": ""}],
)
def test_bad_sends_are_refused_and_store_nothing(team_thread, patient, body):
    response = api(patient).post(messages_url(team_thread), body, format="json")
    assert response.status_code == 400
    assert Message.objects.count() == 0


def test_an_outsider_gets_404_and_nothing_is_stored(team_thread, outsider_clinician):
    response = api(outsider_clinician).post(
        messages_url(team_thread), {"client_id": str(uuid.uuid4()), "body": "Hi"}
    )
    assert response.status_code == 404
    assert Message.objects.count() == 0


def test_pages_follow_the_sequence(team_thread, patient, send, monkeypatch):
    monkeypatch.setattr("messaging.selectors.PAGE_SIZE", 3)
    for n in range(1, 8):
        send(team_thread, patient, f"m{n}")
    client = api(patient)
    latest = client.get(messages_url(team_thread)).json()
    assert [m["sequence"] for m in latest["results"]] == [5, 6, 7]
    older = client.get(messages_url(team_thread), {"before": latest["previous_before"]}).json()
    assert [m["sequence"] for m in older["results"]] == [2, 3, 4]
    caught_up = client.get(messages_url(team_thread), {"after": 2}).json()
    assert [m["sequence"] for m in caught_up["results"]] == [3, 4, 5]
    assert caught_up["next_after"] == 5
    assert client.get(messages_url(team_thread), {"after": "x"}).status_code == 400
    assert client.get(messages_url(team_thread), {"after": 1, "before": 3}).status_code == 400


def test_a_clinicians_read_is_in_the_patients_access_log(team_thread, gp, patient, send):
    send(team_thread, patient, "hi")
    api(gp).get(messages_url(team_thread))
    api(patient).get(messages_url(team_thread))
    assert list(AccessLogEntry.objects.values_list("actor", "section", "via")) == [
        (gp.pk, "messages", "api")
    ]


def test_only_the_sender_edits_and_removes(team_thread, patient, gp, send):
    message = send(team_thread, patient, "first")
    edit_url = reverse("api:message-edit", kwargs={"thread_id": team_thread.pk})
    remove_url = reverse("api:message-remove", kwargs={"thread_id": team_thread.pk})
    assert api(gp).post(edit_url, {"message": str(message.pk), "body": "x"}).status_code == 400
    assert api(gp).post(remove_url, {"message": str(message.pk)}).status_code == 400
    edited = api(patient).post(edit_url, {"message": str(message.pk), "body": "second"})
    assert edited.status_code == 200 and edited.json()["edited"] is True
    removed = api(patient).post(remove_url, {"message": str(message.pk)})
    assert removed.json()["removed"] is True and removed.json()["body"] == ""


def test_mark_read_and_unread_counts(team_thread, patient, gp, send):
    for body in ("a", "b"):
        send(team_thread, patient, body)
    threads = api(gp).get(reverse("api:message-threads")).json()
    assert [(t["id"], t["unread"]) for t in threads] == [(str(team_thread.pk), 2)]
    read_url = reverse("api:thread-read", kwargs={"thread_id": team_thread.pk})
    assert api(gp).post(read_url, {"sequence": 2}).json() == {"sequence": 2}
    assert api(gp).get(reverse("api:message-threads")).json()[0]["unread"] == 0


def test_the_patient_opens_a_private_thread(workspace, patient, gp, therapist, gp_membership):
    url = reverse("api:private-thread-open", kwargs={"workspace_id": workspace.pk})
    response = api(patient).post(url, {"membership": str(gp_membership.pk)})
    assert response.status_code == 201 and response.json()["kind"] == "private"
    assert api(gp).post(url, {"membership": str(gp_membership.pk)}).status_code == 404
    ids = {t["id"] for t in api(therapist).get(reverse("api:message-threads")).json()}
    assert response.json()["id"] not in ids


def test_agreements_are_set_by_the_clinician_and_acknowledged_by_the_patient(
    workspace, patient, gp, gp_membership
):
    url = reverse("api:agreement-list", kwargs={"workspace_id": workspace.pk})
    assert api(patient).post(url, {"reply_within_working_days": 2}).status_code == 400
    assert api(gp).post(url, {"reply_within_working_days": 11}).status_code == 400
    assert api(gp).post(url, {"reply_within_working_days": 3}).status_code == 200
    ack = reverse("api:agreement-acknowledge", kwargs={"workspace_id": workspace.pk})
    assert api(patient).post(ack, {"membership": str(gp_membership.pk)}).status_code == 200
    listed = api(patient).get(url).json()
    assert listed[0]["reply_within_working_days"] == 3 and listed[0]["acknowledged_at"]


def _caseload(gp, size):
    for _ in range(size):
        add_member(workspace_for(PatientFactory()), gp, [])


@pytest.mark.parametrize("size", [2, 50])
def test_thread_list_queries_stay_flat(gp, size, django_assert_num_queries):
    _caseload(gp, size)
    client = api(gp)
    client.get(reverse("api:message-threads"))  # create the team threads once
    # 1 workspace ids, 1 INSERT ... ON CONFLICT DO NOTHING for team threads, 1 threads with
    # unread counts. The same at 2 and at 50 threads.
    with django_assert_num_queries(3):
        response = client.get(reverse("api:message-threads"))
    assert len(response.json()) == size


@pytest.mark.parametrize("size", [2, 50])
def test_message_list_queries_stay_flat(team_thread, patient, size, send):
    for n in range(size):
        send(team_thread, patient, f"m{n}")
    client = api(patient)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(messages_url(team_thread))
    assert len(response.json()["results"]) == size
    # 1 thread (fetch-and-authorize), 1 messages with senders, 1 their attachments.
    assert len(captured) == 3
