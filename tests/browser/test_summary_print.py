"""The GP summary prints on one A4 page without the site's navigation, and the Print button
works under the CSP (no inline script)."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from care.sections import Section
from clinician_app.tests.test_summary import PHQ9_MILD, _phq9
from goals import services as goals
from messaging import services as messaging
from tests.browser.test_journeys import sign_in
from tests.factories import GPFactory, PatientFactory, add_member, workspace_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_summary_prints_on_one_a4_page(new_page, live_server):
    gp = GPFactory(email="gp-summary@example.test", full_name="Dr Sam Summary")
    patient = PatientFactory(full_name="Petra Print")
    workspace = workspace_for(patient)
    add_member(workspace, gp, list(Section))
    for i in range(4):
        ladder = goals.ladder_create(workspace=workspace, by=patient, title=f"Goal number {i}")
        for j in range(3):
            goals.step_add(ladder=ladder, by=patient, description=f"Step {j} of goal {i}")
        goals.habit_create(workspace=workspace, by=patient, name=f"Habit {i}")
    _phq9(workspace, patient, PHQ9_MILD)
    _phq9(workspace, patient, PHQ9_MILD | {"item-1": 0})
    thread = messaging.team_thread_for(workspace=workspace)
    messaging.message_send(thread=thread, sender=gp, body="Hello", client_id=uuid.uuid4())

    page = new_page()
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server.url, gp.email)
    page.goto(f"{live_server.url}/clinic/patients/{workspace.pk}/")
    page.get_by_role("link", name="Printable summary for the medical record").click()
    expect(page.get_by_role("heading", name="Petra Print")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by print.js
    blocked = [e for e in console_errors if "Content Security Policy" in e]
    assert not blocked, blocked

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    pdf = page.pdf(format="A4", print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, pages
