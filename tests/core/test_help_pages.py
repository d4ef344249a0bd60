"""Help and trust pages: reachable signed in or not, linked from every page's footer, each with a
title and exactly one h1; the privacy notice names what is stored; the favicon answers."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from config.help_pages import PAGES

pytestmark = pytest.mark.django_db
BACKEND = "accounts.backends.EmailBackend"
URL_NAMES = ["help:index"] + [f"help:{page.name}" for page in PAGES]


def _check_page(html: str) -> None:
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.strip() and not title.strip().startswith("·")


@pytest.mark.parametrize("name", URL_NAMES)
def test_every_help_page_answers_without_signing_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    _check_page(response.content.decode())


@pytest.mark.parametrize("persona", ["patient", "gp"])
@pytest.mark.parametrize("name", URL_NAMES)
def test_every_help_page_answers_signed_in(client, request, persona, name):
    client.force_login(request.getfixturevalue(persona), backend=BACKEND)
    response = client.get(reverse(name))
    assert response.status_code == 200
    _check_page(response.content.decode())


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_footer_links_help_accessibility_and_privacy(client, patient, signed_in):
    url = reverse("accounts:login")
    if signed_in:
        client.force_login(patient, backend=BACKEND)
        url = reverse("patient:dashboard")
    html = client.get(url).content.decode()
    footer = html[html.index("<footer") : html.index("</footer>")]
    for name in ("help:index", "help:accessibility", "help:privacy"):
        assert f'href="{reverse(name)}"' in footer


def test_the_index_links_every_page(client):
    html = client.get(reverse("help:index")).content.decode()
    for page in PAGES:
        assert f'href="{reverse(f"help:{page.name}")}"' in html


def test_the_privacy_notice_names_everything_stored_and_the_safety_exception(client):
    html = client.get(reverse("help:privacy")).content.decode()
    for thing in (
        "account",
        "programme",
        "goal",
        "check-ins",
        "questionnaire",
        "messages",
        "crisis plan",
        "network map",
        "journal",
        "access log",
        "audit trail",
        "whatever you share",
        "Download",
        "Erase",
        "My data",
    ):
        assert thing in html, thing


def test_the_accessibility_statement_names_target_tests_issues_and_how_to_report(client):
    html = client.get(reverse("help:accessibility")).content.decode()
    for thing in ("WCAG 2.2", "AA", "axe", "1280", "375", "keyboard", "Known issues", "Tell us"):
        assert thing in html, thing


def test_favicon_ico_sends_browsers_to_the_svg(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == settings.STATIC_URL + "favicon.svg"
    svg = Path(finders.find("favicon.svg")).read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg") and "<script" not in svg


def test_every_page_points_browsers_at_the_icon(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'rel="icon" href="{settings.STATIC_URL}favicon.svg"' in html
