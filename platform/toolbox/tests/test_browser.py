"""Browser journeys through Debian's Chromium: check-ins with one entry kept private, and an
axe accessibility check of the crisis plan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.factories import add_member
from toolbox import services

from .conftest import checkin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_as(browser, live_server, user):
    client = Client()
    client.force_login(user, backend="accounts.backends.EmailBackend")
    # The root conftest's module-scoped ``browser``; signed in by handing over a session cookie.
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_patient_checks_in_shares_and_keeps_one_entry_private(
    browser, live_server, patient, workspace, gp
):
    membership = add_member(workspace, gp, [])  # in the care team, nothing shared yet
    yesterday = checkin(
        workspace, services.local_today(patient) - timedelta(days=1), note="YESTERDAY-KEEP-PRIVATE"
    )

    page = _page_as(browser, live_server, patient)
    page.goto("/me/check-in/")
    for legend, value in (("Mood", 4), ("Symptom intensity", 2), ("Energy", 3), ("Sleep", 4)):
        page.get_by_role("group", name=legend).get_by_label(str(value), exact=True).check()
    page.get_by_label("A note (optional)").fill("TODAY-SHARED")
    page.get_by_role("button", name="Save my check-in").click()
    page.wait_for_url("**/me/check-ins/")
    assert "TODAY-SHARED" in page.content()

    page.goto("/me/sharing/")
    page.locator(f"#member-{membership.pk}").get_by_label("Check-ins").check()
    page.locator(f"#member-{membership.pk}").get_by_role("button", name="Save").click()

    page.goto("/me/check-ins/")
    page.locator(f"#checkin-{yesterday.pk}").get_by_role("button", name="Make private").click()
    page.wait_for_url(f"**/me/check-ins/#checkin-{yesterday.pk}")
    assert page.locator(f"#checkin-{yesterday.pk}").get_attribute("data-private") == "yes"

    gp_page = _page_as(browser, live_server, gp)
    gp_page.goto(f"/clinic/patients/{workspace.pk}/check-ins/")
    html = gp_page.content()
    assert "TODAY-SHARED" in html
    assert "YESTERDAY-KEEP-PRIVATE" not in html
    gp_page.goto(f"/clinic/patients/{workspace.pk}/")
    assert gp_page.locator("#section-checkins").get_attribute("data-shared") == "yes"
    assert "YESTERDAY-KEEP-PRIVATE" not in gp_page.content()


def test_crisis_plan_has_no_serious_accessibility_violations(
    browser, live_server, patient, workspace
):
    from axe_playwright_python.sync_playwright import Axe

    services.crisis_item_add(
        workspace=workspace, by=patient, kind="helper", text="My sister", contact="555 0101"
    )
    page = _page_as(browser, live_server, patient)
    page.goto("/me/crisis-plan/")
    expect(page.get_by_role("heading", name="My crisis plan", level=1)).to_be_visible()
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert results.response["passes"], "axe did not run"
    assert serious == []
