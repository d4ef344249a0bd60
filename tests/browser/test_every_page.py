"""Every page each demo persona reaches, in a real browser at a desktop (1280 px) and a phone
(375 px) width, the help and trust pages included: nothing scrolls sideways and axe finds no
WCAG 2.2 A/AA violation of any impact. The pages are found by walking the faces' routes (``tests/ui/test_navigation.py``), so a
new page is checked without being listed here."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from care.models import Workspace
from tests.browser.test_design_system import (
    DESKTOP,
    PHONE,
    demo,  # noqa: F401 - fixture
    pages,  # noqa: F401 - fixture
    sideways_overflow,
    sign_in,
    wcag_violations,
)
from tests.ui.test_navigation import reachable_pages

pytestmark = pytest.mark.django_db(transaction=True)

PERSONAS = {
    "patient": ("patient@example.org", 20),
    "gp": ("gp@example.org", 15),
    "duty": ("duty@example.org", 3),
    "moderator": ("moderator@example.org", 3),
    "forum_admin": ("forum-admin@example.org", 4),
    "manager": ("manager@example.org", 1),
    "relative": ("relative@example.org", 2),
}


def urls_for(email: str) -> list[str]:
    client = Client()
    client.force_login(User.objects.get(email=email))
    workspace = Workspace.objects.get(patient__email="patient@example.org")
    return [
        url
        for url, _response in reachable_pages(
            client, {"patient", "clinician", "relative", "accounts", "help"}, workspace
        )
    ]


@pytest.mark.walk
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_page_fits_the_screen_and_meets_wcag(pages, live_server, demo, persona, width):  # noqa: F811
    email, at_least = PERSONAS[persona]
    urls = urls_for(email)
    assert len(urls) >= at_least
    page = pages(width)
    sign_in(page, live_server.url, email)
    problems = []
    for url in urls:
        page.goto(live_server.url + url)
        page.wait_for_load_state()
        overflow = sideways_overflow(page)
        if overflow > 0:
            problems.append(f"{url}: {overflow} px wider than the screen")
        problems += [f"{url}: {v}" for v in wcag_violations(page)]
    assert problems == []


def test_the_caseload_fits_a_1280_screen_without_scrolling_its_box(pages, live_server, demo):  # noqa: F811
    page = pages(DESKTOP)
    sign_in(page, live_server.url, "gp@example.org")
    page.goto(live_server.url + "/clinic/")
    fits = page.evaluate(
        "() => { const t = document.querySelector('table.caseload');"
        " return [t.scrollWidth, t.parentElement.clientWidth]; }"
    )
    assert fits[0] <= fits[1], f"the caseload is {fits[0]} px in a {fits[1]} px box"
