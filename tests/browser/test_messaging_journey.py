"""The patient and the GP write to each other in two browsers at once: each message appears on
the other's page without a reload (messaging/live.js over /ws/live/), and the sender's message
turns from "Sent" to "Read" once the other has seen it. The socket needs an ASGI server, so the
pages are served by a real Daphne with its own SQLite file (tests/servers.py); the people are
created in that database with ``manage.py shell``."""

import json
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_journeys import sign_in
from tests.servers import daphne_server, manage

pytestmark = pytest.mark.browser

SET_UP = """
import json
from messaging import services
from tests.factories import GPFactory, PatientFactory, add_member, workspace_for
patient = PatientFactory(full_name="Mia Message", email="mia-message@example.test")
gp = GPFactory(full_name="Dr Noor Reply", email="noor-reply@example.test")
workspace = workspace_for(patient)
add_member(workspace, gp, [])
print(json.dumps({"thread": str(services.team_thread_for(workspace=workspace).pk)}))
"""


@pytest.fixture
def server(tmp_path):
    env = {"VAR_DIR": str(tmp_path)}
    with daphne_server(env=env) as base_url:
        thread = json.loads(manage("shell", "-c", SET_UP, env=env).splitlines()[-1])["thread"]
        yield base_url, thread


def open_live(page, url):
    """Open a thread page and wait until its socket has resumed (before that, Send would fall
    back to a plain form post, which reloads the page)."""
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(frame)))
    page.goto(url)
    deadline = time.monotonic() + 15
    while not any(json.loads(frame)["type"] == "resumed" for frame in frames):
        assert time.monotonic() < deadline, "the live socket did not resume"
        page.wait_for_timeout(50)
    page.evaluate("window.stillTheSamePage = true")


def write(page, text):
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()


def test_patient_and_gp_exchange_messages_live_and_see_when_they_were_read(new_page, server):
    base_url, thread = server
    home = new_page()
    sign_in(home, base_url, "mia-message@example.test")
    open_live(home, base_url + reverse("patient:message_thread", args=[thread]))
    clinic = new_page()
    sign_in(clinic, base_url, "noor-reply@example.test")
    open_live(clinic, base_url + reverse("clinician:message_thread", args=[thread]))

    write(clinic, "How did the short walk go this week?")
    home_thread = home.locator("#thread")
    expect(
        home_thread.locator("li", has_text="How did the short walk go this week?")
    ).to_have_count(1)
    # The patient's page is open, so the message counts as seen: the GP's copy says so.
    mine = clinic.locator("#thread li.mine", has_text="How did the short walk go this week?")
    expect(mine.locator(".read-state")).to_have_text("Read")
    expect(clinic.get_by_label("Your message")).to_have_value("")

    write(home, "It went well. I walked to the corner and back twice.")
    expect(clinic.locator("#thread li", has_text="I walked to the corner")).to_have_count(1)
    reply = home.locator("#thread li.mine", has_text="I walked to the corner")
    expect(reply.locator(".read-state")).to_have_text("Read")

    # Both pages show the conversation in order, once, and were never reloaded.
    for page in (home, clinic):
        assert page.locator("#thread li .body").all_inner_texts() == [
            "How did the short walk go this week?",
            "It went well. I walked to the corner and back twice.",
        ]
        assert page.evaluate("window.stillTheSamePage") is True
