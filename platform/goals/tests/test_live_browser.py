"""Both sides have the ladder open: the therapist's suggestion appears on the patient's page
without a reload, through the live socket (goals/live.js), and a half-typed step is never swapped
away. The socket needs an ASGI server, so the pages are served by a real Daphne with its own
SQLite file (tests/servers.py); the people are created in that database with ``manage.py shell``."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.servers import daphne_server, manage

pytestmark = pytest.mark.browser

SET_UP = """
from goals import services
from tests.factories import PatientFactory, TherapistFactory, add_member, workspace_for
patient = PatientFactory(full_name="Lena Live", email="lena-live@example.test")
therapist = TherapistFactory(full_name="Theo Live", email="theo-live@example.test")
workspace = workspace_for(patient)
add_member(workspace, therapist, ["goals"])
ladder = services.ladder_create(workspace=workspace, by=patient, title="Walk to the park")
print(workspace.pk, ladder.pk)
"""


@pytest.fixture
def server(tmp_path):
    env = {"VAR_DIR": str(tmp_path)}
    with daphne_server(env=env) as base_url:
        workspace_id, ladder_id = manage("shell", "-c", SET_UP, env=env).split()[-2:]
        yield base_url, workspace_id, ladder_id


def sign_in(page, base_url, email):
    page.goto(base_url + reverse("accounts:login"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def suggest(clinic, description):
    form = clinic.locator("form", has=clinic.get_by_role("button", name="Send the suggestion"))
    form = form.first
    form.get_by_label("Step").fill(description)
    form.get_by_role("button", name="Send the suggestion").click()
    clinic.wait_for_load_state()


def test_the_patient_sees_the_therapists_suggestion_without_a_reload(new_page, server):
    base_url, workspace_id, ladder_id = server
    home = new_page()
    sign_in(home, base_url, "lena-live@example.test")
    home.goto(base_url + reverse("patient:goal_ladder", args=[ladder_id]))
    assert home.locator("#proposals").count() == 0
    # The page is not reloaded: a marker set on this document must survive the update.
    home.evaluate("window.stillTheSamePage = true")
    home.wait_for_timeout(500)  # let the socket connect

    clinic = new_page()
    sign_in(clinic, base_url, "theo-live@example.test")
    clinic.goto(base_url + reverse("clinician:goal_ladder", args=[workspace_id, ladder_id]))
    suggest(clinic, "Walk to the corner and back")

    proposals = home.locator("#proposals")
    proposals.wait_for()
    assert "Walk to the corner and back" in proposals.inner_text()
    expect(home.locator("[data-live-status]")).to_have_text("Updated")
    assert home.evaluate("window.stillTheSamePage") is True

    # The patient starts typing a step of her own: the next suggestion must not wipe it.
    home.get_by_label("Step", exact=True).fill("Put my shoes by the door")
    suggest(clinic, "Walk to the park gate")
    show = home.get_by_role("button", name="This ladder was changed — show the changes")
    show.wait_for()
    assert home.get_by_label("Step", exact=True).input_value() == "Put my shoes by the door"
    assert "Walk to the park gate" not in home.locator("#proposals").inner_text()
    show.click()
    home.locator("#proposals").get_by_text("Walk to the park gate").wait_for()
    assert show.is_hidden()
    assert home.evaluate("window.stillTheSamePage") is True
