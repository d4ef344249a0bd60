"""Root conftest: persona and browser fixtures shared by every test in the repository."""

import os
import shutil

import pytest

from tests.factories import (
    ALL_SECTIONS,
    GPFactory,
    PatientFactory,
    TherapistFactory,
    add_member,
    workspace_for,
)


@pytest.fixture(scope="session", autouse=True)
def private_attachment_storage(tmp_path_factory):
    """Attachment files written by tests go to a temporary folder, never to ``var/``."""
    from django.conf import settings
    from django.test import override_settings

    storages = {**settings.STORAGES}
    storages["attachments"] = {
        **storages["attachments"],
        "OPTIONS": {
            **storages["attachments"]["OPTIONS"],
            "location": tmp_path_factory.mktemp("attachments"),
        },
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(scope="session", autouse=True)
def serialised_live_server_on_in_memory_sqlite():
    """See tests/live_server.py: one request at a time when all threads share one connection."""
    from django.test.testcases import LiveServerThread

    from tests.live_server import SerialisedWSGIServer, shares_one_connection

    if not shares_one_connection():
        yield
        return
    original = LiveServerThread.server_class
    LiveServerThread.server_class = SerialisedWSGIServer
    yield
    LiveServerThread.server_class = original


@pytest.fixture(autouse=True)
def separate_login_counts(monkeypatch):
    """Each test counts failed sign-ins at unknown addresses on its own: the cache (Redis on
    the second pass) outlives a test, and the same made-up address appears in many tests."""
    import uuid

    monkeypatch.setattr("accounts.backends.UNKNOWN_PREFIX", f"login-unknown:{uuid.uuid4().hex}:")


@pytest.fixture
def world(db):
    from tests.world import build_world

    return build_world()


@pytest.fixture
def patient(db):
    return PatientFactory(full_name="Pat Patient")


@pytest.fixture
def other_patient(db):
    return PatientFactory(full_name="Oli Otherpatient")


@pytest.fixture
def workspace(patient):
    return workspace_for(patient)


@pytest.fixture
def gp(db):
    return GPFactory(full_name="Dr Gina Practitioner")


@pytest.fixture
def therapist(db):
    return TherapistFactory(full_name="Tom Therapist")


@pytest.fixture
def outsider_clinician(db):
    return GPFactory(full_name="Dr Ursula Unrelated")


@pytest.fixture
def gp_membership(workspace, gp):
    return add_member(workspace, gp, ALL_SECTIONS)


@pytest.fixture
def therapist_membership(workspace, therapist):
    return add_member(workspace, therapist, [])


@pytest.fixture
def anonymous(client):
    return client


@pytest.fixture
def in_memory_channel_layer(settings):
    """For tests that read what a service publishes by subscribing a bare channel from the test
    thread: only the in-memory layer allows that (the Redis pub/sub layer binds channels to an
    event loop). Fan-out over Redis has its own tests (messaging/tests/test_redis_layer.py)."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def refusing_channel_layer(settings):
    """The real-time stack down: a Redis channel layer whose address refuses every connection
    (port 1 on this machine), so each publish really fails, rather than a missing layer."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


# --- browser (Playwright driving Debian's Chromium) -------------------------------------

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install -y chromium)")
        pytest.skip("no chromium on PATH: browser tests skipped (apt-get install -y chromium)")
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    # Playwright's sync API keeps an event loop running in this thread while it is open, so it is
    # scoped to a module: asyncio tests elsewhere need the thread free of a running loop. The
    # Django ORM calls made by the test itself (fixtures, assertions) stay synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()
