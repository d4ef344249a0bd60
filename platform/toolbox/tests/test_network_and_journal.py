"""Network map and journal: the patient's own, shared only as they choose."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from records.models import AccessLogEntry
from tests.factories import PatientFactory, workspace_for
from toolbox import services
from toolbox.models import JournalEntry, NetworkContact

pytestmark = pytest.mark.django_db


def test_patient_builds_a_map_shown_as_svg_and_as_a_list(patient_client, workspace):
    patient_client.post(
        reverse("patient:network"),
        {"name": "Mum", "kind": "family", "closeness": "1", "emotional": "on"},
    )
    patient_client.post(
        reverse("patient:network"),
        {
            "name": "Choir",
            "kind": "group",
            "closeness": "3",
            "company": "on",
            "wants_more_contact": "on",
        },
    )
    contacts = {c.name: c for c in NetworkContact.objects.filter(workspace=workspace)}
    assert contacts["Mum"].emotional and not contacts["Mum"].practical
    assert contacts["Choir"].wants_more_contact
    body = patient_client.get(reverse("patient:network")).content.decode()
    assert '<svg class="network-map"' in body and 'role="img"' in body
    assert body.count('class="person') == 2
    assert 'class="person more"' in body
    assert "would like more contact" in body  # the list says it in words too


def test_patient_edits_and_removes_someone(patient_client, workspace):
    contact = services.network_contact_save(
        workspace=workspace, by=workspace.patient, name="Ben", kind="friend", closeness=2
    )
    patient_client.post(
        reverse("patient:network_edit", args=[contact.pk]),
        {"name": "Ben", "kind": "colleague", "closeness": "1", "practical": "on"},
    )
    contact.refresh_from_db()
    assert (contact.kind, contact.closeness, contact.practical) == ("colleague", 1, True)
    patient_client.post(reverse("patient:network_remove", args=[contact.pk]), {"confirm": "yes"})
    assert not NetworkContact.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "kind": "family", "closeness": "1"},
        {"name": "x" * 121, "kind": "family", "closeness": "1"},
        {"name": "A", "kind": "pet", "closeness": "1"},
        {"name": "A", "kind": "family", "closeness": "7"},
    ],
)
def test_bad_network_input_changes_nothing(patient_client, data):
    response = patient_client.post(reverse("patient:network"), data)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not NetworkContact.objects.exists()


def test_someone_elses_contact_is_not_found(patient_client, workspace):
    other = PatientFactory()
    theirs = services.network_contact_save(
        workspace=workspace_for(other), by=other, name="Theirs", kind="friend", closeness=1
    )
    assert (
        patient_client.post(reverse("patient:network_remove", args=[theirs.pk])).status_code == 404
    )
    assert patient_client.get(reverse("patient:network_edit", args=[theirs.pk])).status_code == 404
    with pytest.raises(ValidationError):
        services.network_contact_save(
            workspace=workspace, by=workspace.patient, contact=theirs, name="Mine now"
        )
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_journal_entries_are_private_by_default(patient_client, workspace):
    patient_client.post(reverse("patient:journal"), {"title": "Monday", "body": "A hard day"})
    entry = JournalEntry.objects.get(workspace=workspace)
    assert entry.shared is False


@pytest.mark.parametrize(
    "data", [{"body": ""}, {"body": "x" * 10001}, {"title": "x" * 201, "body": "ok"}]
)
def test_bad_journal_input_changes_nothing(patient_client, data):
    response = patient_client.post(reverse("patient:journal"), data)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_a_clinician_reads_an_entry_only_with_consent_and_the_entry_shared(
    client, workspace, gp, gp_membership, therapist, therapist_membership
):
    patient = workspace.patient
    shared = services.journal_entry_save(
        workspace=workspace, by=patient, body="SHARED-ENTRY-1a", shared=True
    )
    services.journal_entry_save(workspace=workspace, by=patient, body="PRIVATE-ENTRY-2b")
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    for url in (
        reverse("clinician:journal", args=[workspace.pk]),
        reverse("api:journal-list", args=[workspace.pk]),
        reverse("clinician:patient_overview", args=[workspace.pk]),
    ):
        body = client.get(url).content.decode()
        assert "PRIVATE-ENTRY-2b" not in body
    assert (
        "SHARED-ENTRY-1a"
        in client.get(reverse("clinician:journal", args=[workspace.pk])).content.decode()
    )
    assert AccessLogEntry.objects.filter(actor=gp, section="journal").count() >= 2
    # The therapist has no journal consent: the shared entry stays hidden from them.
    client.force_login(therapist, backend="accounts.backends.EmailBackend")
    response = client.get(reverse("clinician:journal", args=[workspace.pk]))
    assert response.status_code == 403
    assert "SHARED-ENTRY-1a" not in response.content.decode()
    # Unsharing the entry hides it from the GP at once.
    services.journal_entry_save(
        workspace=workspace, by=patient, entry=shared, body=shared.body, shared=False
    )
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    assert (
        "SHARED-ENTRY-1a"
        not in client.get(reverse("clinician:journal", args=[workspace.pk])).content.decode()
    )


def test_someone_elses_journal_entry_is_not_found(patient_client, workspace):
    other = PatientFactory()
    theirs = services.journal_entry_save(workspace=workspace_for(other), by=other, body="theirs")
    assert patient_client.get(reverse("patient:journal_edit", args=[theirs.pk])).status_code == 404
    assert (
        patient_client.post(reverse("patient:journal_remove", args=[theirs.pk])).status_code == 404
    )
    assert JournalEntry.objects.filter(pk=theirs.pk, body="theirs").exists()
