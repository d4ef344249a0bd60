"""API keys: made on the account page, shown once, stored as a digest, expiring, revocable."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from records.models import AuditEvent
from tests.factories import PASSWORD, GPFactory, PatientFactory

pytestmark = pytest.mark.django_db

SECRET = re.compile(r"<code data-secret>(gc_[0-9a-f]+)</code>")


def make_key(client) -> str:
    response = client.post(reverse("accounts:api_tokens"))
    assert response.status_code == 200
    found = SECRET.search(response.content.decode())
    assert found, "the new key is shown on the response that made it"
    return found.group(1)


def me(secret: str):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return api.get("/api/v1/me/")


def test_a_key_is_shown_once_works_and_is_stored_only_as_a_digest(client, patient):
    client.force_login(patient)
    response = client.post(reverse("accounts:api_tokens"))
    assert "no-store" in response["Cache-Control"]
    secret = SECRET.search(response.content.decode()).group(1)
    assert me(secret).json()["email"] == patient.email
    # Nowhere in the database: not in the token table, not in the audit trail.
    token = AuthToken.objects.get(user=patient)
    assert secret not in (token.digest, token.token_key) and secret.startswith(token.token_key)
    stored = AuthToken.objects.values_list("digest", "token_key")
    assert all(secret not in value for row in stored for value in row)
    assert not any(secret in str(e.data) for e in AuditEvent.objects.all())
    assert AuditEvent.objects.filter(action="accounts.token.created", actor=patient).count() == 1
    # Never shown again: the page lists it by its first characters only.
    again = client.get(reverse("accounts:api_tokens")).content.decode()
    assert secret not in again and token.token_key in again


def test_a_key_stops_working_when_it_expires(client, patient, settings):
    client.force_login(patient)
    secret = make_key(client)
    assert me(secret).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS, hours=1)):
        assert me(secret).status_code == 401


def test_a_person_holds_a_limited_number_of_keys_and_the_next_is_refused_clearly(client, patient):
    client.force_login(patient)
    with override_settings(API_TOKENS_PER_USER=2):
        make_key(client)
        make_key(client)
        refused = client.post(reverse("accounts:api_tokens"))
    assert refused.status_code == 400
    assert "Revoke one you no longer use first" in refused.content.decode()
    assert AuthToken.objects.filter(user=patient).count() == 2


def test_revoking_a_key_signs_its_program_out_and_nobody_else_can_revoke_it(
    client, patient, other_patient
):
    client.force_login(patient)
    mine = make_key(client)
    key = AuthToken.objects.get(user=patient).token_key
    client.force_login(other_patient)
    theirs = make_key(client)
    refused = client.post(reverse("accounts:api_token_revoke", args=[key]))
    assert refused.status_code == 404
    assert me(mine).status_code == 200
    client.force_login(patient)
    done = client.post(reverse("accounts:api_token_revoke", args=[key]), {"confirm": "yes"})
    assert done.status_code == 302
    assert me(mine).status_code == 401
    assert me(theirs).status_code == 200
    assert AuditEvent.objects.filter(action="accounts.token.revoked", actor=patient).count() == 1


def test_revoke_all_removes_every_key_of_the_person_only(client, patient, other_patient):
    client.force_login(other_patient)
    theirs = make_key(client)
    client.force_login(patient)
    first, second = make_key(client), make_key(client)
    assert (
        client.post(reverse("accounts:api_tokens_revoke_all"), {"confirm": "yes"}).status_code
        == 302
    )
    assert me(first).status_code == 401 and me(second).status_code == 401
    assert me(theirs).status_code == 200


def test_a_clinician_makes_keys_only_after_the_second_factor(client):
    GPFactory(email="doc@example.test")
    with override_settings(CLINICIAN_MFA_REQUIRED=True):
        client.post(
            reverse("accounts:login"), {"username": "doc@example.test", "password": PASSWORD}
        )
        response = client.post(reverse("accounts:api_tokens"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa_setup")
    assert not AuthToken.objects.exists()


def test_a_deactivated_persons_key_stops_working(client):
    from accounts.services import user_deactivate

    person = PatientFactory()
    client.force_login(person)
    secret = make_key(client)
    user_deactivate(user=person)
    assert me(secret).status_code == 401


def test_erasure_removes_the_patients_keys(client, patient, workspace):
    from care.privacy import patient_erase

    client.force_login(patient)
    secret = make_key(client)
    patient_erase(patient=patient)
    assert not AuthToken.objects.exists()
    assert me(secret).status_code == 401


def test_the_keys_page_costs_the_same_queries_for_2_keys_as_for_50(client, patient):
    client.force_login(patient)
    counts = []
    for size in (2, 50):
        while AuthToken.objects.filter(user=patient).count() < size:
            AuthToken.objects.create(user=patient)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("accounts:api_tokens"))
        assert page.content.decode().count("/revoke/") == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
