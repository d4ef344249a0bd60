"""Each face's menu, rendered: every primary place opens, the place a page sits in is the one
marked current (on its sub-pages too, not only on the place's own page), and every page has a
title and exactly one h1."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clinician_app.menu import CLINICIAN_MENU, DUTY_MENU
from patient_app.menu import PATIENT_MENU
from tests.factories import DutyFactory
from tests.ui.page_outline import outline

pytestmark = pytest.mark.django_db

MAIN = "Main"


def login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return outline(response.content.decode())


def assert_page_in_place(client, url, place_url_name):
    found = page(client, url)
    assert found.title.strip(" ·"), f"{url} has no title"
    assert found.h1_count == 1, f"{url} has {found.h1_count} h1 headings"
    current = found.current_in(MAIN)
    assert [link.href for link in current] == [reverse(place_url_name)], (
        f"{url}: expected {place_url_name} to be the one current place, got {current}"
    )
    return found


# (URL name, args key, the place's URL name): pages inside each place, not only its own page.
PATIENT_PAGES = [
    ("patient:dashboard", None, "patient:dashboard"),
    ("patient:help", None, "patient:dashboard"),
    ("patient:programme_overview", None, "patient:programme_overview"),
    ("patient:programme_takeaways", None, "patient:programme_overview"),
    ("patient:measures", None, "patient:programme_overview"),
    ("patient:checkin_today", None, "patient:checkin_today"),
    ("patient:checkin_history", None, "patient:checkin_today"),
    ("patient:crisis_plan", None, "patient:checkin_today"),
    ("patient:goal_list", None, "patient:checkin_today"),
    ("patient:habit_list", None, "patient:checkin_today"),
    ("patient:network", None, "patient:checkin_today"),
    ("patient:journal", None, "patient:checkin_today"),
    ("patient:exercise_library", None, "patient:checkin_today"),
    ("patient:message_threads", None, "patient:message_threads"),
    ("accounts:profile", None, "accounts:profile"),
    ("accounts:password_change", None, "accounts:profile"),
    ("patient:care_team", None, "accounts:profile"),
    ("patient:sharing", None, "accounts:profile"),
    ("patient:access_log", None, "accounts:profile"),
    ("patient:my_data", None, "accounts:profile"),
]

GP_PAGES = [
    ("clinician:caseload", None, "clinician:caseload"),
    ("clinician:invite", None, "clinician:caseload"),
    ("clinician:covers", None, "clinician:caseload"),
    ("clinician:patient_overview", "workspace", "clinician:caseload"),
    ("clinician:goal_list", "workspace", "clinician:caseload"),
    ("clinician:checkins", "workspace", "clinician:caseload"),
    ("clinician:measures", "workspace", "clinician:caseload"),
    ("clinician:alert_list", None, "clinician:alert_list"),
    ("clinician:inbox", None, "clinician:inbox"),
    ("clinician:guidance_report", None, "clinician:guidance_report"),
    ("accounts:profile", None, "accounts:profile"),
    ("accounts:api_tokens", None, "accounts:profile"),
]

DUTY_PAGES = [
    ("clinician:duty", None, "clinician:duty"),
    ("accounts:profile", None, "accounts:profile"),
    ("accounts:password_change", None, "accounts:profile"),
]


def _url(name, key, workspace):
    return reverse(name, args=[workspace.pk] if key == "workspace" else [])


@pytest.mark.parametrize(("name", "key", "place"), PATIENT_PAGES)
def test_a_patient_page_marks_the_place_it_sits_in(client, patient, workspace, name, key, place):
    found = assert_page_in_place(login(client, patient), _url(name, key, workspace), place)
    # The crisis plan stays one tap away, outside the menu, on every patient page.
    assert reverse("patient:crisis_plan") in found.hrefs


@pytest.mark.parametrize(("name", "key", "place"), GP_PAGES)
def test_a_clinician_page_marks_the_place_it_sits_in(
    client, workspace, gp, gp_membership, name, key, place
):
    assert_page_in_place(login(client, gp), _url(name, key, workspace), place)


@pytest.mark.parametrize(("name", "key", "place"), DUTY_PAGES)
def test_a_duty_page_marks_the_place_it_sits_in(client, workspace, name, key, place):
    assert_page_in_place(login(client, DutyFactory()), _url(name, key, workspace), place)


@pytest.mark.parametrize(
    ("persona", "menu"), [("patient", PATIENT_MENU), ("gp", CLINICIAN_MENU), ("duty", DUTY_MENU)]
)
def test_every_place_and_sub_item_of_a_menu_opens_and_is_in_the_menu(
    client, patient, workspace, gp, gp_membership, persona, menu
):
    user = {"patient": patient, "gp": gp, "duty": None}[persona] or DutyFactory()
    login(client, user)
    first = page(client, reverse(menu.places[0].url_name))
    assert [link.href for link in first.navs[MAIN] if link.text != "Sign out"] == [
        reverse(place.url_name) for place in menu.places
    ]
    for place in menu.places:
        found = page(client, reverse(place.url_name))
        sub_nav = f"In {place.label}"
        expected = [reverse(item.url_name) for item in place.items]
        assert [link.href for link in found.navs.get(sub_nav, [])] == expected
        for item in place.items:
            inside = page(client, reverse(item.url_name))
            assert [link.href for link in inside.current_in(sub_nav)] == [reverse(item.url_name)]


def test_the_patient_sees_five_places_and_the_clinician_their_own(patient, gp):
    assert [p.key for p in PATIENT_MENU.places] == ["today", "programme", "tools", "messages", "me"]
    assert {"caseload", "alerts", "messages", "account"} <= {p.key for p in CLINICIAN_MENU.places}
    assert [p.key for p in DUTY_MENU.places] == ["duty", "account"]


def test_a_page_of_no_place_marks_none(client, patient):
    found = page(login(client, patient), reverse("design"))
    assert found.current_in(MAIN) == []
    assert len(found.navs[MAIN]) == len(PATIENT_MENU.places)


def test_signed_out_pages_have_no_menu(client):
    found = page(client, reverse("accounts:login"))
    assert MAIN not in found.navs
    assert found.h1_count == 1 and found.title


def face_pages(namespaces):
    """(URL name, path parameters) of every route in ``namespaces``."""
    from django.urls import get_resolver

    found = []

    def walk(patterns, namespace, outer):
        for pattern in patterns:
            params = outer | set(pattern.pattern.converters)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, pattern.namespace or namespace, params)
            elif namespace in namespaces and pattern.name:
                found.append((f"{namespace}:{pattern.name}", params))

    walk(get_resolver().url_patterns, "", set())
    return found


def reachable_pages(client, namespaces, workspace):
    """Every page of ``namespaces`` that answers this user's GET with HTML."""
    for name, params in face_pages(namespaces):
        if not params <= {"workspace_id"}:
            continue
        url = reverse(name, kwargs={"workspace_id": workspace.pk} if params else {})
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield url, response


@pytest.mark.parametrize("persona", ["patient", "gp", "duty"])
def test_every_page_a_persona_reaches_has_a_title_one_h1_and_one_current_place(
    client, patient, workspace, gp, gp_membership, persona
):
    user = {"patient": patient, "gp": gp, "duty": None}[persona] or DutyFactory()
    login(client, user)
    checked = []
    for url, response in reachable_pages(client, {"patient", "clinician", "accounts"}, workspace):
        found = outline(response.content.decode())
        assert found.title.strip(" ·") and found.h1_count == 1, url
        assert len(found.current_in(MAIN)) == 1, f"{url} marks no place, or more than one"
        checked.append(url)
    assert len(checked) >= {"patient": 20, "gp": 15, "duty": 3}[persona]
