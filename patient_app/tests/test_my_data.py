"""My data: the export in words, grouped; the PDF for people; the JSON for programs."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from care import privacy
from care.privacy import declarations
from patient_app.privacy.summary import EXPORT_GROUPS, GROUPS, data_groups
from tests.world import OWNER_CANARY

pytestmark = pytest.mark.django_db

INTERNAL = [
    "is_superuser",
    "is_staff",
    "password",
    "session",
    "token",
    "storage_name",
    "sha256",
    "client_id",
    "care.",
    "toolbox.",
    "content_object",
    "last_read_sequence",
    "pbkdf2",
]


def _owner_client(client, world):
    client.force_login(world.users["owner"], backend="accounts.backends.EmailBackend")
    return client


def test_every_exported_model_has_a_group():
    missing = sorted(set(declarations().patient_data) - set(EXPORT_GROUPS))
    assert not missing, f"add these to patient_app.privacy.summary.EXPORT_GROUPS: {missing}"
    assert set(EXPORT_GROUPS.values()) <= {key for key, _title in GROUPS}


def test_my_data_shows_each_group_in_words_and_no_internal_names(client, world):
    page = _owner_client(client, world).get(reverse("patient:my_data")).content.decode()
    main = page.split("<main", 1)[-1].split("</main>", 1)[0]
    # The form that asks for a prepared download carries the CSRF field: not a word shown.
    main = re.sub(r'<input type="hidden" name="csrfmiddlewaretoken"[^>]*>', "", main)
    for _key, title in GROUPS:
        assert f">{title}</h2>" in main, title
    for word in INTERNAL:
        assert word not in main, f"the page shows '{word}'"
    # Words from the owner's records, not field names.
    assert "Dr Gail Practitioner (GP): Active" in main
    assert "Sign " + OWNER_CANARY in main  # a crisis-plan line
    assert "owner@example.test" in main
    assert reverse("patient:erase") in main
    erase = reverse("patient:erase")
    assert f'action="{erase}"' not in main  # erasure lives on its own page


def test_my_data_pdf_is_for_people(client, world):
    response = _owner_client(client, world).get(reverse("patient:my_data"), {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="my-data.pdf"'
    assert response.content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "My data" in text and "Olive Owner" in text and "Made on" in text
    for _key, title in GROUPS:
        assert str(title) in text
    assert "is_superuser" not in text and "password" not in text


def test_json_download_is_the_full_export(client, world):
    response = _owner_client(client, world).get(reverse("patient:my_data"), {"format": "json"})
    body = json.loads(response.content)
    expected = json.loads(
        json.dumps(privacy.workspace_export(workspace=world.workspace), default=str)
    )
    assert set(body["data"]) == set(expected)
    assert {label: len(rows) for label, rows in body["data"].items()} == {
        label: len(rows) for label, rows in expected.items()
    }
    assert "fhir" in body and "message_attachments" in body


def test_an_unknown_format_is_said_not_a_500(client, world):
    response = _owner_client(client, world).get(reverse("patient:my_data"), {"format": "xml"})
    assert response.status_code == 200
    assert "That download format is not offered" in response.content.decode()


def test_the_groups_cost_the_same_queries_for_a_small_and_a_large_export(
    django_assert_max_num_queries, world
):
    export = privacy.workspace_export(workspace=world.workspace)
    # People, programmes, exercises, permissions.
    with django_assert_max_num_queries(4):
        groups = data_groups(export)
    assert [g.key for g in groups] == [key for key, _title in GROUPS]


def test_the_pdf_survives_text_its_fonts_cannot_show():
    from django.utils import timezone

    from patient_app.privacy.pdf import data_pdf
    from patient_app.privacy.summary import Group

    group = Group(key="journal", title="Journal", lines=["Ærø, Tromsø — “quoted” 😀 漢字"])
    body = data_pdf(name="Åse Ødegård", made_at=timezone.now(), groups=[group])
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert "Åse Ødegård" in text and "Ærø, Tromsø" in text
