"""A real browser: the patient answers a PHQ-9 with item 9 above 0 on a small screen, one
question at a time, and sees the support page with their own crisis plan at once; the GP then sees the urgent event."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.factories import ALL_SECTIONS, GPFactory, PatientFactory, add_member, workspace_for
from toolbox import services as toolbox_services
from toolbox.models import CrisisKind

# `browser` is the root conftest fixture: Debian Chromium, required when REQUIRE_BROWSER=1.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session_cookie(user, live_server):
    client = Client()
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def test_patient_with_a_risk_answer_sees_support_at_once_and_gp_sees_it(live_server, browser):
    patient = PatientFactory(full_name="Robin Browser")
    gp = GPFactory(full_name="Dr Browser")
    workspace = workspace_for(patient)
    add_member(workspace, gp, ALL_SECTIONS)
    toolbox_services.crisis_item_add(
        workspace=workspace,
        by=patient,
        kind=CrisisKind.SELF_HELP,
        text="Sit with the cat and breathe",
    )

    phone = browser.new_context(viewport={"width": 375, "height": 700})
    phone.add_cookies([_session_cookie(patient, live_server)])
    page = phone.new_page()
    page.goto(f"{live_server.url}/me/measures/")
    page.get_by_label("Patient Health Questionnaire (PHQ-9)", exact=False).check()
    page.get_by_role("button", name="Start or continue").click()
    # Small screen: one question per screen, each with its own "next" button.
    for number in range(1, 9):
        page.locator(f"#i{number}-0").check()
        page.locator(f"#item-{number} .step-button").click()
        assert page.url.endswith(f"#item-{number + 1}")
    page.locator("#i9-1").check()
    page.get_by_role("button", name="Finish and see my score").click()
    assert "/me/measures/support/" in page.url
    expect(page.get_by_text("You do not have to cope with this alone")).to_be_visible()
    support = page.locator("[data-safety=support]")
    expect(support.get_by_text("Call your local emergency number", exact=False)).to_be_visible()
    # The patient's own crisis plan is on the same page, with a way to the full plan.
    plan = page.locator("[data-safety=crisis-plan]")
    expect(plan.get_by_text("Sit with the cat and breathe")).to_be_visible()
    expect(plan.get_by_role("link", name="Open my full crisis plan")).to_be_visible()
    phone.close()

    desk = browser.new_context()
    desk.add_cookies([_session_cookie(gp, live_server)])
    page = desk.new_page()
    page.goto(f"{live_server.url}/clinic/patients/{workspace.pk}/")
    expect(page.locator("#section-measures [data-risk=open]")).to_be_visible()
    page.get_by_role("link", name="Scores, charts, schedules and reminders").click()
    expect(page.get_by_text("PHQ-9 item 9 answered 1", exact=False)).to_be_visible()
    desk.close()
