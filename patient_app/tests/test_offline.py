"""The patient's app without a connection (docs/phone-app.md): the service worker is served
from /me/ for patients only, keeps nothing outside /me/ but static files, registers on the
patient's pages only; the offline page; the shared-device notice; signing out clears the device.
The journey itself runs in a browser: tests/browser/test_offline_journey.py."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.urls import reverse

from patient_app import offline
from tests.factories import GPFactory, ModeratorFactory, PatientFactory, RelativeFactory

pytestmark = pytest.mark.django_db

SCOPE = "/me/"


def login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


def worker_config(response) -> dict:
    match = re.search(r"^const CONFIG = (\{.*\});$", response.content.decode(), re.MULTILINE)
    return json.loads(match.group(1))


@pytest.fixture
def signed_in(client, patient):
    return login(client, patient)


def test_the_worker_is_served_from_the_patients_scope_with_fresh_headers(signed_in):
    url = reverse("patient:service_worker")
    assert url == SCOPE + "sw.js"  # its folder is its scope: /me/, nothing wider
    response = signed_in.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-cache" in response["Cache-Control"]
    assert "Service-Worker-Allowed" not in response  # no wider scope is allowed
    body = response.content.decode()
    assert "// --- push notifications (reminders) ---" in body
    assert "{%" not in body and "{{" not in body


def test_the_worker_keeps_only_pages_under_me_and_static_files(signed_in, settings):
    config = worker_config(signed_in.get(reverse("patient:service_worker")))
    assert config["scope"] == SCOPE
    assert config["static"] == settings.STATIC_URL
    assert config["offline"] == reverse("patient:offline") and config["offline"].startswith(SCOPE)
    assert all(pattern.startswith("^" + SCOPE) for pattern in config["kept"] + config["queued"])
    assert all(url.startswith(settings.STATIC_URL) for url in config["shell"])
    for url in config["shell"]:
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url


def _matches(patterns, path):
    return any(re.search(pattern, path) for pattern in patterns)


def test_the_kept_pages_are_the_crisis_plan_and_the_forms_that_work_offline(signed_in):
    config = worker_config(signed_in.get(reverse("patient:service_worker")))
    some = uuid.uuid4()
    for name, args in [
        ("patient:crisis_plan", []),
        ("patient:checkin_today", []),
        ("patient:habit_detail", [some]),
        ("patient:exercise_detail", [some]),
        ("patient:programme_page", [some]),
    ]:
        assert _matches(config["kept"], reverse(name, args=args)), name
    for name, args in [
        ("patient:checkin_today", []),
        ("patient:habit_check", [some]),
        ("patient:exercise_detail", [some]),
        ("patient:programme_page", [some]),
    ]:
        assert _matches(config["queued"], reverse(name, args=args)), name
    # Nothing else of the patient's, and nobody else's pages.
    for name, args in [
        ("patient:dashboard", []),
        ("patient:journal", []),
        ("patient:message_threads", []),
        ("patient:crisis_item_add", []),
        ("clinician:caseload", []),
        ("relative:home", []),
        ("accounts:profile", []),
    ]:
        path = reverse(name, args=args)
        assert not _matches(config["kept"] + config["queued"], path), name


def test_the_worker_version_follows_the_language(client):
    danish = PatientFactory(language="da")
    english = PatientFactory(language="en")
    versions = {
        worker_config(login(client, person).get(reverse("patient:service_worker")))["version"]
        for person in (danish, english)
    }
    assert len(versions) == 2


@pytest.mark.parametrize("name", ["patient:service_worker", "patient:offline"])
def test_only_patients_get_the_worker_and_the_offline_page(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    for other in (GPFactory(), RelativeFactory(), ModeratorFactory()):
        assert login(client, other).get(url).status_code == 403


def test_the_worker_registers_on_the_patients_pages_only(client, patient):
    page = login(client, patient).get(reverse("patient:dashboard")).content.decode()
    assert "js/offline.js" in page
    assert f'data-offline-worker="{reverse("patient:service_worker")}"' in page
    assert f'data-offline-scope="{SCOPE}"' in page
    assert f'data-offline-database="{offline.QUEUE_DATABASE}"' in page
    gp_page = login(client, GPFactory()).get(reverse("clinician:caseload")).content.decode()
    assert "js/offline.js" not in gp_page
    assert "js/offline.js" not in client.get(reverse("accounts:login")).content.decode()


def test_the_offline_page_leads_to_the_crisis_plan_and_keeps_messages(signed_in, settings):
    request_message = "A message for a page the person sees"
    response = signed_in.get(reverse("patient:offline"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>You are offline</h1>" in body
    assert f'href="{reverse("patient:crisis_plan")}"' in body
    assert "Signing out removes it." in body
    assert "data-offline-saved hidden" in body

    # A message waiting for the person is not spent on the copy the worker keeps.
    session_page = signed_in.get(reverse("patient:dashboard"))
    storage = messages.get_messages(session_page.wsgi_request)
    storage.add(messages.INFO, request_message)
    storage.update(session_page)
    signed_in.cookies.update(session_page.cookies)
    assert request_message not in signed_in.get(reverse("patient:offline")).content.decode()
    assert request_message in signed_in.get(reverse("patient:dashboard")).content.decode()


def test_the_offline_page_is_in_the_readers_language(client):
    response = login(client, PatientFactory(language="da")).get(reverse("patient:offline"))
    assert '<html lang="da">' in response.content.decode()


def test_the_crisis_plan_tells_a_shared_device_what_it_keeps(signed_in):
    body = signed_in.get(reverse("patient:crisis_plan")).content.decode()
    assert (
        "This device keeps a copy of your crisis plan so you can open it without a connection. "
        "Signing out removes it. If others use this device, sign out when you are done."
    ) in body


def test_the_forms_that_work_offline_are_marked_for_the_queue(signed_in):
    body = signed_in.get(reverse("patient:checkin_today")).content.decode()
    assert "data-offline-queue" in body
    template = get_template("patient_app/offline/_script.html").template.source
    assert f'data-offline-database="{offline.QUEUE_DATABASE}"' in template


def test_signing_out_clears_this_sites_caches_and_storage(signed_in):
    response = signed_in.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
