"""The programme in a real browser: a patient opens module 1, answers an exercise (saved as
they type), signs out, signs in and resumes on the same page with the answer kept; the GP with
consent sees the progress and the answer. axe-core checks the dashboard, overview and reader."""

import pytest
from django.urls import reverse

from care.sections import Section
from content.loader import pack_load
from content.models import ExerciseAnswer, Page
from content.tests.conftest import PACK
from tests.browser.test_journeys import sign_in
from tests.factories import GPFactory, PatientFactory, add_member, workspace_for

pytestmark = pytest.mark.django_db(transaction=True)
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

QUESTION = "What was happening? Where were you, and what were you doing?"


def serious_violations(page) -> list[str]:
    results = axe_sync.Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def test_patient_resumes_with_the_answer_kept_and_the_gp_sees_it(new_page, live_server):
    pack_load(PACK)
    patient = PatientFactory(email="reader@example.test", full_name="Rae Reader")
    gp = GPFactory(email="doctor@example.test", full_name="Dr Dana Doctor")
    workspace = workspace_for(patient)
    add_member(workspace, gp, [Section.PROGRESS, Section.JOURNAL])
    base = live_server.url
    cycle = Page.objects.get(slug="the-symptom-cycle")
    cycle_url = base + reverse("patient:programme_page", args=[cycle.pk])

    page = new_page()
    sign_in(page, base, patient.email)
    assert serious_violations(page) == [], "dashboard"
    page.get_by_role("button", name="Start the programme").first.click()
    page.wait_for_url("**/me/programme/pages/*/")
    assert "Your symptoms are real" in page.get_by_role("heading", level=1).inner_text()
    assert serious_violations(page) == [], "reader"
    # Module 1, page 3. Typing saves a draft through the API (no button pressed).
    page.goto(cycle_url)
    page.get_by_label(QUESTION).fill("Waiting for the bus in the rain")
    page.get_by_text("Draft saved.").wait_for()
    assert ExerciseAnswer.objects.get().data == {"situation": "Waiting for the bus in the rain"}
    page.evaluate("localStorage.clear()")  # the server's copy, not the browser's, must return
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    sign_in(page, base, patient.email)
    page.get_by_role("link", name="Continue where you left off").first.click()
    page.wait_for_url(cycle_url)
    assert page.get_by_label(QUESTION).input_value() == "Waiting for the bus in the rain"
    page.locator("#exercise-my-symptom-cycle").get_by_role(
        "button", name="Save", exact=True
    ).click()
    page.wait_for_load_state()
    assert ExerciseAnswer.objects.get().status == ExerciseAnswer.Status.SUBMITTED
    page.goto(base + reverse("patient:programme_overview"))
    assert serious_violations(page) == [], "programme overview"

    doctor = new_page()
    sign_in(doctor, base, gp.email)
    doctor.goto(base + reverse("clinician:patient_overview", args=[workspace.pk]))
    progress = doctor.locator("#section-progress").inner_text()
    assert "Understanding your symptoms: 0 of 3 pages" in progress
    doctor.get_by_role("link", name="Read the answers").click()
    doctor.wait_for_load_state()
    assert "Waiting for the bus in the rain" in doctor.content()
