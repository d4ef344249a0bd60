"""The messaging pages work without JavaScript; lists keep a flat query count."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messaging.models import Message
from tests.factories import PatientFactory, add_member, workspace_for

pytestmark = pytest.mark.django_db


def test_a_plain_form_post_sends_once_and_the_gp_sees_read(client, team_thread, patient, gp):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    url = reverse("patient:message_thread", args=[team_thread.pk])
    form = {"client_id": str(uuid.uuid4()), "body": "Hello doctor"}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # a double submit
    assert Message.objects.count() == 1
    page = client.get(url).content.decode()
    assert "Hello doctor" in page and "Sent" in page
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    client.get(reverse("clinician:message_thread", args=[team_thread.pk]))
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    assert ">Read<" in client.get(url).content.decode()


def test_an_empty_message_shows_a_form_error(client, team_thread, patient):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    url = reverse("patient:message_thread", args=[team_thread.pk])
    response = client.post(url, {"client_id": str(uuid.uuid4()), "body": ""})
    assert response.status_code == 400 and b'role="alert"' in response.content
    assert Message.objects.count() == 0


def test_the_patient_sees_when_to_expect_an_answer_and_the_clinician_sees_overdue(
    client, team_thread, patient, gp, send, workspace
):
    from datetime import timedelta

    from messaging import services

    services.agreement_set(workspace=workspace, clinician=gp, reply_within_working_days=1)
    send(team_thread, patient, "Question")
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    page = client.get(reverse("patient:message_thread", args=[team_thread.pk])).content.decode()
    assert "You can expect an answer by" in page and "not for emergencies" in page
    type(team_thread).objects.filter(pk=team_thread.pk).update(
        awaiting_reply_since=team_thread.created_at - timedelta(days=10)
    )
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    inbox = client.get(reverse("clinician:inbox")).content.decode()
    assert "Overdue" in inbox


def test_editing_and_removing_through_the_pages(client, team_thread, patient, send):
    message = send(team_thread, patient, "Frist")
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    edit = reverse("patient:message_thread_edit", args=[team_thread.pk])
    assert client.get(edit, {"message": str(message.pk)}).status_code == 200
    client.post(edit, {"message": str(message.pk), "body": "First"})
    client.post(
        reverse("patient:message_thread_remove", args=[team_thread.pk]),
        {"message": str(message.pk), "confirm": "yes"},
    )
    page = client.get(reverse("patient:message_thread", args=[team_thread.pk])).content.decode()
    assert "Message removed" in page and "Frist" not in page


def _count_queries(client, url) -> int:
    client.get(url)  # warm up: team threads created, session touched
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_inbox_query_count_is_the_same_at_2_and_50_patients(client, gp):
    # session, user, workspaces, team-thread INSERT, threads with counts, own agreements,
    # access-log INSERT (+ savepoints): fixed, whatever the caseload size.
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    url = reverse("clinician:inbox")
    for _ in range(2):
        add_member(workspace_for(PatientFactory()), gp, [])
    at_two = _count_queries(client, url)
    for _ in range(48):
        add_member(workspace_for(PatientFactory()), gp, [])
    at_fifty = _count_queries(client, url)
    assert client.get(url).content.decode().count("<tr data-thread=") == 50
    assert at_two == at_fifty


def test_the_thread_page_query_count_is_the_same_at_2_and_50_messages(
    client, team_thread, patient, gp, send
):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    url = reverse("patient:message_thread", args=[team_thread.pk])
    for n in range(2):
        send(team_thread, gp if n % 2 else patient, f"m{n}")
    at_two = _count_queries(client, url)
    for n in range(48):
        send(team_thread, gp if n % 2 else patient, f"m{n}")
    at_fifty = _count_queries(client, url)
    assert at_two == at_fifty


def test_the_patient_thread_list_query_count_is_flat(client, workspace, patient, send, team_thread):
    from messaging import services

    client.force_login(patient, backend="accounts.backends.EmailBackend")
    url = reverse("patient:message_threads")
    at_one = _count_queries(client, url)
    for membership in workspace.memberships.all():
        services.private_thread_open(workspace=workspace, membership_id=membership.pk, by=patient)
    assert _count_queries(client, url) == at_one
