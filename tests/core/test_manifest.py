"""The patient's app can be installed: a web app manifest with the name in the reader's
language and icons that exist, linked from the patient's pages only."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import GPFactory, PatientFactory

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_and_its_icons_exist(client):
    response = client.get(reverse("manifest"), HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["start_url"] == reverse("patient:dashboard") and data["display"] == "standalone"
    assert data["lang"] == "da"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in data["icons"])
    for icon in data["icons"]:
        path = icon["src"].split("/static/", 1)[1]
        assert finders.find(path), icon["src"]


def test_only_the_patients_pages_link_the_manifest(client):
    client.force_login(PatientFactory(), backend="accounts.backends.EmailBackend")
    assert 'rel="manifest"' in client.get(reverse("patient:dashboard")).content.decode()
    client.force_login(GPFactory(), backend="accounts.backends.EmailBackend")
    assert 'rel="manifest"' not in client.get(reverse("clinician:caseload")).content.decode()
