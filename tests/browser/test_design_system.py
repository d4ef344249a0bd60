"""The design system in a real browser, at a desktop (1280 px) and a phone (375 px) width: the
gallery and the demo's patient dashboard and clinician caseload never scroll sideways, the
gallery has no WCAG 2.2 A/AA violation, the compact menu opens on a phone with the crisis plan
in view, and the focus ring keeps 3:1 contrast on the page and on the header."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

DESKTOP, PHONE = 1280, 375
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def open_page(browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def pages(browser):
    opened = []

    def make(width):
        page = open_page(browser, width)
        opened.append(page)
        return page

    yield make
    for page in opened:
        page.context.close()


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())


def sign_in(page, base_url, email):
    page.goto(base_url + reverse("accounts:login"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def wcag_violations(page) -> list[str]:
    results = axe_sync.Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def rgb(css: str) -> tuple[float, ...]:
    match = re.search(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)", css)
    assert match, f"no colour in {css!r}"
    return tuple(float(x) for x in match.groups())


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    def luminance(colour):
        channels = [c / 255 for c in colour]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def focus_ring(page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement, s = getComputedStyle(el);
          return {outline: s.outlineColor, width: parseFloat(s.outlineWidth),
                  style: s.outlineStyle, halo: s.boxShadow, inHeader: !!el.closest('.site-header'),
                  inMain: !!el.closest('main'), focusVisible: el.matches(':focus-visible')};
        }"""
    )


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_gallery_fits_the_screen_and_meets_wcag(pages, live_server, width):
    page = pages(width)
    page.goto(live_server.url + reverse("design"))
    assert page.get_by_role("heading", level=1).inner_text() == "Design system"
    assert sideways_overflow(page) <= 0
    assert wcag_violations(page) == []
    # The check can fail: an image without a text alternative is reported.
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x>')")
    assert any(v.startswith("image-alt") for v in wcag_violations(page))


def test_the_error_summary_takes_focus_and_links_to_its_fields(pages, live_server):
    page = pages(DESKTOP)
    page.goto(live_server.url + reverse("design"))
    summary = page.locator("[data-error-summary]")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert summary.get_attribute("role") == "alert"
    summary.get_by_role("link").nth(1).click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    described = page.locator("#id_email").get_attribute("aria-describedby")
    assert "Enter a valid" in page.locator(f"#{described.split()[-1]}").inner_text()


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
@pytest.mark.parametrize(
    ("email", "url_name"),
    [
        ("patient@example.org", "patient:dashboard"),
        ("patient@example.org", "patient:measures"),  # score tables wider than a phone
        ("gp@example.org", "clinician:caseload"),
    ],
)
def test_demo_pages_fit_the_screen_and_meet_wcag(pages, live_server, demo, width, email, url_name):
    page = pages(width)
    sign_in(page, live_server.url, email)
    if page.url != live_server.url + reverse(url_name):
        page.goto(live_server.url + reverse(url_name))
    assert sideways_overflow(page) <= 0
    for box in page.locator(".table-scroll").all():  # tables scroll inside their box
        bounds = box.bounding_box()
        assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= width
    assert wcag_violations(page) == []


def test_on_a_phone_the_menu_opens_and_the_crisis_plan_is_one_tap_away(pages, live_server, demo):
    page = pages(PHONE)
    sign_in(page, live_server.url, "patient@example.org")
    crisis = page.get_by_role("link", name="My crisis plan").first
    assert crisis.is_visible()
    box = crisis.bounding_box()
    assert box["y"] + box["height"] <= 900 and box["x"] + box["width"] <= PHONE
    main_menu = page.get_by_role("navigation", name="Main")
    assert not main_menu.get_by_role("link", name="My tools").is_visible()
    page.locator(".site-menu > summary").click()
    assert main_menu.get_by_role("link", name="My tools").is_visible()
    today = main_menu.get_by_role("link", name="Today")
    assert today.get_attribute("aria-current") == "page"
    assert sideways_overflow(page) <= 0
    main_menu.get_by_role("link", name="My tools").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="My crisis plan").first.is_visible()


def test_on_a_desktop_the_menu_is_open_without_a_toggle(pages, live_server, demo):
    page = pages(DESKTOP)
    sign_in(page, live_server.url, "patient@example.org")
    assert not page.locator(".site-menu > summary").is_visible()
    main_menu = page.get_by_role("navigation", name="Main")
    for place in ("Today", "My programme", "My tools", "Messages", "Me"):
        assert main_menu.get_by_role("link", name=place, exact=True).is_visible()


def test_the_focus_ring_has_3_to_1_contrast_on_the_page_and_on_the_header(pages, live_server, demo):
    page = pages(DESKTOP)
    sign_in(page, live_server.url, "patient@example.org")
    header_bg = rgb(
        page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    )
    page_bg = rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    white = (255.0, 255.0, 255.0)
    seen = {"header": False, "main": False}
    for _ in range(40):
        page.keyboard.press("Tab")
        ring = focus_ring(page)
        if not (ring["inHeader"] or ring["inMain"]):
            continue
        assert ring["focusVisible"] and ring["style"] != "none" and ring["width"] >= 2
        outline, halo = rgb(ring["outline"]), rgb(ring["halo"])
        if ring["inHeader"]:
            seen["header"] = True
            assert max(contrast(outline, header_bg), contrast(halo, header_bg)) >= 3
        else:
            seen["main"] = True
            for background in (white, page_bg):
                assert max(contrast(outline, background), contrast(halo, background)) >= 3
        if all(seen.values()):
            break
    assert seen == {"header": True, "main": True}
