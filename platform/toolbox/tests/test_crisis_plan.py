"""The crisis plan: the patient's own words, one click away, working with no Redis at all."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import override_settings
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from records.models import AccessLogEntry
from tests.factories import OrganisationFactory, PatientFactory, workspace_for
from toolbox import services
from toolbox.models import (
    CrisisKind,
    CrisisPlanItem,
    CrisisPlanSuggestion,
    OrganisationEmergencyNumber,
)

pytestmark = pytest.mark.django_db

# A Redis server on a port nobody listens on: every use of the channel layer fails.
BROKEN_LAYER = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": ["redis://127.0.0.1:9"]},
    }
}


def test_it_renders_and_saves_with_the_channel_layer_down(
    patient_client, workspace, gp, gp_membership, django_capture_on_commit_callbacks
):
    services.crisis_item_add(
        workspace=workspace, by=workspace.patient, kind=CrisisKind.SELF_HELP, text="Call my sister"
    )
    suggestion = services.crisis_suggestion_create(
        workspace=workspace, by=gp, kind=CrisisKind.SAFER, text="Give spare pills to the pharmacy"
    )
    with override_settings(CHANNEL_LAYERS=BROKEN_LAYER):
        layer = get_channel_layer()
        assert type(layer).__name__ == "RedisPubSubChannelLayer"
        with pytest.raises(RedisConnectionError):  # the layer really is unreachable
            async_to_sync(layer.group_send)("probe", {"type": "probe"})

        page = patient_client.get(reverse("patient:crisis_plan"))
        assert page.status_code == 200
        assert "Call my sister" in page.content.decode()

        # Saving publishes a live event after commit; the dead layer must not fail the save.
        with django_capture_on_commit_callbacks(execute=True) as published:
            added = patient_client.post(
                reverse("patient:crisis_item_add"),
                {"kind": "warning_sign", "text": "I stop eating"},
            )
            accepted = patient_client.post(
                reverse("patient:crisis_suggestion_decide", args=[suggestion.pk]),
                {"decision": "accept"},
            )
        assert (added.status_code, accepted.status_code) == (302, 302)
        assert len(published) >= 2
    texts = set(CrisisPlanItem.objects.filter(workspace=workspace).values_list("text", flat=True))
    assert texts == {"Call my sister", "I stop eating", "Give spare pills to the pharmacy"}


def test_every_patient_page_links_to_the_crisis_plan(patient_client, gp, client):
    url = reverse("patient:crisis_plan")
    for name in ("patient:dashboard", "patient:journal", "patient:checkin_today"):
        body = patient_client.get(reverse(name)).content.decode()
        assert f'href="{url}"' in body, name
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    assert f'href="{url}"' not in client.get(reverse("clinician:caseload")).content.decode()


def test_the_page_is_printable_without_its_forms(patient_client):
    body = patient_client.get(reverse("patient:crisis_plan")).content.decode()
    assert "toolbox/toolbox.css" in body
    assert 'class="no-print"' in body
    from django.contrib.staticfiles import finders

    with open(finders.find("toolbox/toolbox.css")) as css:
        assert "@media print" in css.read()


def test_patient_adds_edits_and_removes_lines(patient_client, workspace):
    patient_client.post(
        reverse("patient:crisis_item_add"),
        {"kind": "professional", "text": "Duty nurse", "contact": "+45 1234 5678"},
    )
    item = CrisisPlanItem.objects.get(workspace=workspace)
    assert (item.kind, item.contact) == ("professional", "+45 1234 5678")
    page = patient_client.get(reverse("patient:crisis_plan")).content.decode()
    assert 'href="tel:+45 1234 5678"' in page
    patient_client.post(
        reverse("patient:crisis_item_edit", args=[item.pk]), {"text": "Duty nurse at the clinic"}
    )
    item.refresh_from_db()
    assert (item.text, item.contact) == ("Duty nurse at the clinic", "")
    patient_client.post(reverse("patient:crisis_item_remove", args=[item.pk]), {"confirm": "yes"})
    assert not CrisisPlanItem.objects.filter(workspace=workspace).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "warning_sign", "text": ""},
        {"kind": "warning_sign", "text": "x" * 501},
        {"kind": "warning_sign", "text": "ok", "contact": "1" * 101},
        {"kind": "not-a-part", "text": "ok"},
    ],
)
def test_bad_input_changes_nothing(patient_client, workspace, data):
    response = patient_client.post(reverse("patient:crisis_item_add"), data)
    assert response.status_code == 200
    assert not CrisisPlanItem.objects.exists()
    body = response.content.decode()
    assert 'role="alert"' in body or "message-error" in body


def test_someone_elses_line_is_not_found_and_stays(patient_client, workspace):
    other = PatientFactory()
    theirs = services.crisis_item_add(
        workspace=workspace_for(other), by=other, kind=CrisisKind.HELPER, text="Their friend"
    )
    assert (
        patient_client.post(reverse("patient:crisis_item_remove", args=[theirs.pk])).status_code
        == 404
    )
    assert (
        patient_client.get(reverse("patient:crisis_item_edit", args=[theirs.pk])).status_code == 404
    )
    assert CrisisPlanItem.objects.filter(pk=theirs.pk).exists()
    with pytest.raises(Http404):
        services.crisis_item_remove(item=theirs, by=workspace.patient)


def test_it_shows_the_care_teams_emergency_numbers_and_the_patients_own(
    patient_client, workspace, gp, gp_membership
):
    OrganisationEmergencyNumber.objects.create(
        organisation=gp.organisation, label="Emergency", number="112", position=1
    )
    elsewhere = OrganisationFactory(name="Unrelated clinic")
    OrganisationEmergencyNumber.objects.create(
        organisation=elsewhere, label="Not mine", number="999"
    )
    services.crisis_item_add(
        workspace=workspace,
        by=workspace.patient,
        kind=CrisisKind.EMERGENCY,
        text="Night helpline",
        contact="70 20 12 01",
    )
    body = patient_client.get(reverse("patient:crisis_plan")).content.decode()
    assert 'href="tel:112"' in body
    assert "Night helpline" in body
    # Exact markers: a bare "999" could occur inside a random UUID on the page.
    assert 'href="tel:999"' not in body and "Not mine" not in body


def test_gp_with_consent_suggests_and_patient_decides(workspace, gp, gp_membership):
    patient = workspace.patient
    keep = services.crisis_suggestion_create(
        workspace=workspace, by=gp, kind=CrisisKind.HELPER, text="The drop-in café"
    )
    drop = services.crisis_suggestion_create(
        workspace=workspace, by=gp, kind=CrisisKind.HELPER, text="Something else"
    )
    assert not CrisisPlanItem.objects.exists()  # nothing enters the plan on its own
    services.crisis_suggestion_decide(suggestion=keep, by=patient, accept=True)
    services.crisis_suggestion_decide(suggestion=drop, by=patient, accept=False)
    assert list(CrisisPlanItem.objects.values_list("text", flat=True)) == ["The drop-in café"]
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert (keep.status, drop.status) == ("accepted", "declined")
    assert drop.item is None
    with pytest.raises(ValidationError):
        services.crisis_suggestion_decide(suggestion=drop, by=patient, accept=True)
    with pytest.raises(PermissionDenied):  # the clinician cannot decide for the patient
        other = services.crisis_suggestion_create(
            workspace=workspace, by=gp, kind=CrisisKind.HELPER, text="x"
        )
        services.crisis_suggestion_decide(suggestion=other, by=gp, accept=True)


def test_only_members_with_consent_can_suggest(workspace, therapist, therapist_membership):
    with pytest.raises(PermissionDenied):
        services.crisis_suggestion_create(
            workspace=workspace, by=therapist, kind=CrisisKind.HELPER, text="x"
        )
    with pytest.raises(ValidationError):
        services.crisis_suggestion_create(
            workspace=workspace, by=workspace.patient, kind=CrisisKind.HELPER, text="x"
        )
    assert not CrisisPlanSuggestion.objects.exists()


def test_clinician_page_shows_the_plan_logs_the_read_and_takes_suggestions(
    gp_client, workspace, gp
):
    services.crisis_item_add(
        workspace=workspace, by=workspace.patient, kind=CrisisKind.WARNING_SIGN, text="Not sleeping"
    )
    url = reverse("clinician:crisis_plan", args=[workspace.pk])
    page = gp_client.get(url)
    assert "Not sleeping" in page.content.decode()
    assert AccessLogEntry.objects.filter(actor=gp, section="crisis_plan").count() == 1
    bad = gp_client.post(url, {"kind": "helper", "text": ""})
    assert bad.status_code == 200
    assert not CrisisPlanSuggestion.objects.exists()
    gp_client.post(url, {"kind": "helper", "text": "Walk with the dog"})
    suggestion = CrisisPlanSuggestion.objects.get()
    assert (suggestion.suggested_by, suggestion.status) == (gp, "pending")


def test_staff_manage_emergency_numbers_in_the_admin_but_never_patient_records(client):
    from django.contrib import admin

    from accounts.models import User
    from toolbox.models import CheckIn, JournalEntry, NetworkContact

    assert admin.site.is_registered(OrganisationEmergencyNumber)
    for model in (CheckIn, CrisisPlanItem, CrisisPlanSuggestion, JournalEntry, NetworkContact):
        assert not admin.site.is_registered(model)
    staff = User.objects.create_superuser(
        email="staff@example.test", password="staff-pass-12345", full_name="Stella Staff"
    )
    client.force_login(staff, backend="accounts.backends.EmailBackend")
    url = reverse("admin:toolbox_organisationemergencynumber_changelist")
    assert client.get(url).status_code == 200
