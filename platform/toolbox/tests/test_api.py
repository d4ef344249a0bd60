"""The toolbox API: owner writes, consented reads, bad input refused, nothing private leaks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from config.access import http_routes
from records.models import AccessLogEntry
from tests.authz.inventory import iter_named_routes
from toolbox.models import (
    CheckIn,
    CrisisPlanItem,
    CrisisPlanSuggestion,
    JournalEntry,
    NetworkContact,
)
from toolbox.world_fixtures import PRIVATE_CANARY

from .conftest import checkin

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    api.force_authenticate(user)
    return api


def test_patient_saves_and_replaces_a_days_check_in(api, workspace, today):
    url = reverse("api:checkin-save", args=[workspace.pk])
    body = {"day": str(today), "mood": 4, "symptoms": 2, "energy": 3, "sleep": 5}
    first = _as(api, workspace.patient).post(url, body, format="json")
    second = api.post(url, {**body, "mood": 1, "patient": "someone-else"}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert CheckIn.objects.get().mood == 1


@pytest.mark.parametrize(
    "change",
    [
        {"mood": 0},
        {"sleep": 6},
        {"energy": "high"},
        {"day": "tomorrow"},
        {"note": "x" * 2001},
        {"future": True},
    ],
)
def test_bad_check_ins_get_a_clear_400_and_change_nothing(api, workspace, today, change):
    url = reverse("api:checkin-save", args=[workspace.pk])
    body = {"day": str(today), "mood": 4, "symptoms": 2, "energy": 3, "sleep": 5}
    if change.pop("future", False):
        change["day"] = str(today + timedelta(days=1))
    response = _as(api, workspace.patient).post(url, {**body, **change}, format="json")
    assert response.status_code == 400
    assert response.json()  # a readable explanation
    assert not CheckIn.objects.exists()


def test_replacing_a_private_entry_keeps_it_private(api, workspace, today, gp, gp_membership):
    checkin(workspace, today, note="SECRET-5d", private=True)
    url = reverse("api:checkin-save", args=[workspace.pk])
    body = {"day": str(today), "mood": 2, "symptoms": 2, "energy": 2, "sleep": 2, "note": "new"}
    assert _as(api, workspace.patient).post(url, body, format="json").status_code == 200
    assert CheckIn.objects.get().private is True
    assert (
        _as(api, gp).get(reverse("api:checkin-list", args=[workspace.pk])).json()["results"] == []
    )


def test_members_cannot_write_and_outsiders_see_nothing(
    api, workspace, today, gp, gp_membership, other_patient
):
    body = {"day": str(today), "mood": 4, "symptoms": 2, "energy": 3, "sleep": 5}
    url = reverse("api:checkin-save", args=[workspace.pk])
    assert _as(api, gp).post(url, body, format="json").status_code == 404
    assert _as(api, other_patient).post(url, body, format="json").status_code == 404
    assert (
        _as(api, other_patient).get(reverse("api:checkin-list", args=[workspace.pk])).status_code
        == 404
    )
    assert not CheckIn.objects.exists()


def test_private_toggle_hides_an_entry_from_the_api_list(api, workspace, today, gp, gp_membership):
    entry = checkin(workspace, today, note="NOTE-XYZ")
    url = reverse("api:checkin-privacy", args=[workspace.pk, entry.pk])
    assert (
        _as(api, workspace.patient).patch(url, {"private": True}, format="json").status_code == 200
    )
    listing = _as(api, gp).get(reverse("api:checkin-list", args=[workspace.pk])).json()
    assert listing["results"] == []
    assert AccessLogEntry.objects.filter(actor=gp, section="checkins", via="api").exists()


def test_crisis_plan_round_trip(api, workspace, gp, gp_membership):
    owner = workspace.patient
    item = _as(api, owner).post(
        reverse("api:crisis-item-list", args=[workspace.pk]),
        {"kind": "helper", "text": "My neighbour", "contact": "555 0101"},
        format="json",
    )
    assert item.status_code == 201
    own_suggestion = api.post(
        reverse("api:crisis-suggestion-list", args=[workspace.pk]),
        {"kind": "safer", "text": "x"},
        format="json",
    )
    assert own_suggestion.status_code == 400
    suggestion = _as(api, gp).post(
        reverse("api:crisis-suggestion-list", args=[workspace.pk]),
        {"kind": "safer", "text": "Lock the medicine cabinet"},
        format="json",
    )
    assert suggestion.status_code == 201
    plan = api.get(reverse("api:crisis-plan", args=[workspace.pk])).json()
    assert [i["text"] for i in plan["items"]] == ["My neighbour"]
    decided = _as(api, owner).post(
        reverse("api:crisis-suggestion-decision", args=[workspace.pk, suggestion.json()["id"]]),
        {"decision": "accept"},
        format="json",
    )
    assert decided.json()["status"] == "accepted"
    again = api.post(
        reverse("api:crisis-suggestion-decision", args=[workspace.pk, suggestion.json()["id"]]),
        {"decision": "decline"},
        format="json",
    )
    assert again.status_code == 400
    assert CrisisPlanItem.objects.count() == 2
    deleted = api.delete(reverse("api:crisis-item-detail", args=[workspace.pk, item.json()["id"]]))
    assert deleted.status_code == 204
    assert CrisisPlanSuggestion.objects.get().status == "accepted"


def test_network_and_journal_round_trip(api, workspace):
    _as(api, workspace.patient)
    created = api.post(
        reverse("api:network-contact-list", args=[workspace.pk]),
        {"name": "Dr Lee", "kind": "gp", "closeness": 2, "practical": True, "owner": "x"},
        format="json",
    )
    assert created.status_code == 201
    url = reverse("api:network-contact-detail", args=[workspace.pk, created.json()["id"]])
    assert api.patch(url, {"closeness": 9}, format="json").status_code == 400
    assert api.patch(url, {"wants_more_contact": True}, format="json").json()["wants_more_contact"]
    assert NetworkContact.objects.get().closeness == 2
    entry = api.post(
        reverse("api:journal-entry-list", args=[workspace.pk]), {"body": "Hello"}, format="json"
    )
    assert entry.json()["shared"] is False
    entry_url = reverse("api:journal-entry-detail", args=[workspace.pk, entry.json()["id"]])
    assert api.patch(entry_url, {"shared": True}, format="json").json()["shared"] is True
    assert api.patch(entry_url, {"body": ""}, format="json").status_code == 400
    assert JournalEntry.objects.get().body == "Hello"


def test_the_api_is_in_the_openapi_schema(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    text = schema.content.decode()
    assert schema.status_code == 200
    for path in ("checkins/save/", "crisis-plan/suggestions/", "network/contacts/", "journal/"):
        assert path in text


def test_no_toolbox_page_or_endpoint_shows_private_entries_to_the_gp(world, client):
    """Every toolbox GET route and the overview, as the GP who has every section shared:
    the private check-in and the unshared journal entry never appear."""
    client.force_login(world.users["gp"], backend="accounts.backends.EmailBackend")
    names = [name for name, _route in iter_named_routes() if name]
    table = http_routes()
    checked = 0
    for name in names:
        rule = table.get(name)
        if (
            rule is None
            or "GET" not in rule.methods
            or rule.audience
            not in (
                "workspace_section",
                "care_team_section",
                "care_team",
            )
        ):
            continue
        kwargs = {key: world.resolve(obj) for key, obj in rule.params.items()}
        for suffix in ("", "?period=month"):
            response = client.get(reverse(name, kwargs=kwargs) + suffix)
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode(errors="replace")  # a streamed file (an attachment) may be binary
            assert PRIVATE_CANARY not in body, name
            assert str(world.objects["private_checkin"].pk) not in body, name
            assert str(world.objects["private_journal_entry"].pk) not in body, name
        checked += 1
    assert checked >= 8


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = callable_()
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def _grow(workspace, today, n):
    patient = workspace.patient
    CheckIn.objects.filter(workspace=workspace).delete()
    CheckIn.objects.bulk_create(
        CheckIn(
            workspace=workspace,
            day=today - timedelta(days=i),
            mood=2,
            symptoms=2,
            energy=2,
            sleep=2,
            private=i % 4 == 0,
        )
        for i in range(n)
    )
    JournalEntry.objects.filter(workspace=workspace).delete()
    JournalEntry.objects.bulk_create(
        JournalEntry(workspace=workspace, body=f"entry {i}", shared=i % 2 == 0) for i in range(n)
    )
    NetworkContact.objects.filter(workspace=workspace).delete()
    NetworkContact.objects.bulk_create(
        NetworkContact(workspace=workspace, name=f"P{i}", kind="friend", closeness=1 + i % 3)
        for i in range(n)
    )
    CrisisPlanItem.objects.filter(workspace=workspace).delete()
    CrisisPlanItem.objects.bulk_create(
        CrisisPlanItem(workspace=workspace, kind="self_help", text=f"t{i}") for i in range(n)
    )
    assert patient


LIST_URLS = [
    ("api", "api:checkin-list", True),
    ("api", "api:journal-list", True),
    ("api", "api:network-list", True),
    ("api", "api:crisis-plan", True),
    ("web", "clinician:checkins", True),
    ("web", "clinician:journal", True),
    ("web", "clinician:network", True),
    ("web", "clinician:crisis_plan", True),
    ("web", "clinician:patient_overview", True),
    ("web", "patient:checkin_history", False),
    ("web", "patient:checkin_trends", False),
    ("web", "patient:journal", False),
    ("web", "patient:network", False),
    ("web", "patient:crisis_plan", False),
]


@pytest.mark.parametrize(("kind", "name", "takes_workspace"), LIST_URLS)
def test_list_pages_and_endpoints_cost_the_same_at_2_and_50_rows(
    client, workspace, today, gp, gp_membership, kind, name, takes_workspace
):
    # Patient pages as the patient; clinician pages and the API as the GP (whose reads are
    # filtered and logged, the costlier path).
    user = workspace.patient if name.startswith("patient:") else gp
    client.force_login(user, backend="accounts.backends.EmailBackend")
    url = reverse(name, args=[workspace.pk] if takes_workspace else [])
    _grow(workspace, today, 2)
    small = _queries(lambda: client.get(url))
    _grow(workspace, today, 50)
    large = _queries(lambda: client.get(url))
    assert small == large, f"{kind} {name}: {small} queries at 2 rows, {large} at 50"
