"""The patient's app without a connection (docs/phone-app.md): the service worker and the
offline page.

The worker is served from ``/me/sw.js``, so its scope is the patient's pages under ``/me/`` and
nothing else: a clinician's, relative's or moderator's page is never in its reach. It keeps the
static files the patient's pages need, a copy of the pages listed in ``KEPT_PAGES`` (network
first: the copy is the last one the person opened) and this offline page, rendered in the
reader's language. Forms of ``QUEUED_FORMS`` sent without a connection wait on the device and
are sent when it returns, each with the idempotency key the page script made
(``records.idempotency``).

The worker is a template (``patient_app/offline/sw.js``); its settings come from here, and its
version is a digest of the template and the settings, so any change installs a new worker.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render, resolve_url
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from patient_app.decorators import patient_required

WORKER_TEMPLATE = "patient_app/offline/sw.js"
QUEUE_DATABASE = "guided-care-offline"  # the IndexedDB database of the queue (offline.js too)
SYNC_TAG = "offline-queue"

# What the patient's pages need to draw themselves without a connection.
SHELL = (
    "css/tokens.css",
    "css/app.css",
    "css/components.css",
    "js/app.js",
    "js/offline.js",
    "favicon.svg",
    "icons/icon-192.png",
    "toolbox/toolbox.css",
    "toolbox/print.js",
    "goals/goals.css",
    "content/programme.css",
    "content/exercise.js",
)
# Pages a copy of which is kept (URL name -> its UUID parameters): the crisis plan, and the pages
# whose forms can be sent offline.
KEPT_PAGES = {
    "patient:crisis_plan": (),
    "patient:checkin_today": (),
    "patient:habit_list": (),
    "patient:habit_detail": ("habit_id",),
    "patient:programme_page": ("page_id",),
    "patient:exercise_detail": ("exercise_id",),
}
# Forms that wait on the device when sent offline: check-ins, habit marks, exercise answers.
QUEUED_FORMS = {
    "patient:checkin_today": (),
    "patient:habit_check": ("habit_id",),
    "patient:programme_page": ("page_id",),
    "patient:exercise_detail": ("exercise_id",),
}

_SAMPLE = uuid.UUID(int=0)
_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def path_pattern(name: str, params: tuple[str, ...]) -> str:
    """A regular expression (the same in Python and JavaScript) for the paths of a route."""
    path = re.escape(reverse(name, kwargs=dict.fromkeys(params, _SAMPLE)))
    return "^" + path.replace(re.escape(str(_SAMPLE)), _UUID) + "$"


def worker_settings() -> dict:
    scope = reverse("patient:dashboard")
    config = {
        "scope": scope,
        "static": settings.STATIC_URL,
        "shell": [static(path) for path in SHELL],
        "offline": reverse("patient:offline"),
        "login": resolve_url(settings.LOGIN_URL),
        "kept": [path_pattern(name, params) for name, params in KEPT_PAGES.items()],
        "queued": [path_pattern(name, params) for name, params in QUEUED_FORMS.items()],
        "database": QUEUE_DATABASE,
        "syncTag": SYNC_TAG,
        "icon": static("icons/icon-192.png"),
        # The offline page is kept in the reader's language: a new language, a new worker.
        "language": translation.get_language(),
    }
    source = loader.get_template(WORKER_TEMPLATE).template.source
    digest = hashlib.sha256((source + json.dumps(config, sort_keys=True)).encode())
    config["version"] = digest.hexdigest()[:16]
    return config


@patient_required
@require_GET
def service_worker(request):
    body = loader.render_to_string(
        WORKER_TEMPLATE, {"config": json.dumps(worker_settings(), sort_keys=True)}
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    # Always asked for again, so a new version reaches the phone on its next visit. No-store
    # too: the site keeps nothing of a signed-in person in shared caches.
    response["Cache-Control"] = "no-cache, no-store"
    return response


@patient_required
@require_GET
def offline_page(request):
    """What a page the device keeps no copy of shows without a connection. The worker keeps it
    from its install; it shows no messages, so none is spent on a copy nobody reads."""
    return render(request, "patient_app/offline/offline.html", {"messages": ()})
