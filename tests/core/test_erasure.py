"""Erasure leaves no canary of the patient anywhere; the audit trail is kept, pseudonymised."""

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from records.models import AuditEvent
from tests.factories import PASSWORD
from tests.world import OTHER_CANARY, OWNER_CANARY

pytestmark = pytest.mark.django_db


def all_table_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the ORM
            chunks.extend(str(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_patient_downloads_everything_as_json(client, world):
    client.force_login(world.users["owner"], backend="accounts.backends.EmailBackend")
    response = client.get(reverse("patient:my_data") + "?format=json")
    assert response["Content-Disposition"].startswith("attachment")
    body = response.json()
    assert OWNER_CANARY in str(body["data"]) and OTHER_CANARY not in str(body["data"])
    page = client.get(reverse("patient:my_data")).content.decode()
    assert "Care team and sharing" in page and "care.CareTeamMembership" not in page


def test_erasure_removes_every_trace_and_keeps_a_pseudonymised_audit_trail(client, world):
    owner = world.users["owner"]
    client.force_login(owner, backend="accounts.backends.EmailBackend")
    assert OWNER_CANARY in all_table_text()
    events_before = AuditEvent.objects.count()
    response = client.post(
        reverse("patient:erase"), {"email": "Owner@Example.test ", "password": PASSWORD}
    )
    assert response.status_code == 302
    text = all_table_text()
    assert OWNER_CANARY not in text
    assert "owner@example.test" not in text
    assert OTHER_CANARY in text  # the other patient is untouched
    assert AuditEvent.objects.count() == events_before + 1
    assert AuditEvent.objects.filter(action="care.sharing.granted", workspace__isnull=True).exists()


def test_erasure_needs_the_typed_address_and_the_password_and_changes_nothing_otherwise(
    client, world
):
    client.force_login(world.users["owner"], backend="accounts.backends.EmailBackend")
    before = all_table_text()
    for body, reason in [
        ({"email": "owner@example.test", "password": "wrong"}, "not your password"),
        ({"email": "someone@example.test", "password": PASSWORD}, "not the e-mail address"),
        ({"password": PASSWORD}, "This field is required"),
        ({}, "This field is required"),
    ]:
        response = client.post(reverse("patient:erase"), body)
        assert response.status_code == 400
        page = response.content.decode()
        assert reason in page and "Nothing was deleted" in page
    assert all_table_text() == before
    page = client.get(reverse("patient:erase")).content.decode()
    assert "cannot be undone" in page and "audit trail" in page and "care team loses access" in page
