"""Two browsers: a therapist proposes a step, the patient accepts it, both see the history."""

import os
import shutil

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, PatientFactory, TherapistFactory, add_member, workspace_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is needed"),
]

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls below are plain
    # synchronous test set-up, not code running inside that loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def sign_in(browser, live_server, email):
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def test_therapist_proposes_patient_accepts_both_see_history(browser, live_server):
    from goals import services

    patient = PatientFactory(full_name="Petra Patient", email="petra@example.test")
    therapist = TherapistFactory(full_name="Tariq Therapist", email="tariq@example.test")
    workspace = workspace_for(patient)
    add_member(workspace, therapist, ["goals"])
    ladder = services.ladder_create(workspace=workspace, by=patient, title="Visit my sister")

    clinic = sign_in(browser, live_server, therapist.email)
    clinic.goto(live_server.url + reverse("clinician:goal_ladder", args=[workspace.pk, ladder.pk]))
    form = clinic.locator(
        "form", has=clinic.get_by_role("button", name="Send the suggestion")
    ).first
    form.get_by_label("Step").fill("Phone her to plan a short visit")
    form.get_by_label("How hard does it feel?").fill("3")
    form.get_by_role("button", name="Send the suggestion").click()
    clinic.wait_for_load_state()
    assert "Your suggested step is sent" in clinic.content()

    home = sign_in(browser, live_server, patient.email)
    home.goto(live_server.url + reverse("patient:goal_ladder", args=[ladder.pk]))
    assert "Suggestions waiting for your answer" in home.content()
    home.get_by_role("link", name="Look and answer").click()
    home.get_by_role("button", name="Accept").click()
    home.wait_for_load_state()
    history = home.locator("#history")
    assert "Petra Patient" in history.inner_text()
    assert "accepted a proposal" in history.inner_text()
    assert "Tariq Therapist" in history.inner_text()
    assert "Phone her to plan a short visit" in home.locator("#steps").inner_text()

    clinic.reload()
    clinic_history = clinic.locator("#history").inner_text()
    assert "Petra Patient accepted a proposal" in " ".join(clinic_history.split())
    assert "Tariq Therapist proposed a change" in " ".join(clinic_history.split())
    assert "Phone her to plan a short visit" in clinic.locator("#steps").inner_text()
