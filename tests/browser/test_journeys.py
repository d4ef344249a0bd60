"""Real browser journeys: sign in as each persona; sharing off hides the section from the GP."""

import pytest
from django.urls import reverse

from care.sections import Section
from tests.factories import (
    PASSWORD,
    GPFactory,
    PatientFactory,
    TherapistFactory,
    add_member,
    workspace_for,
)

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, base_url, email):
    page.goto(base_url + reverse("accounts:login"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture
def people():
    patient = PatientFactory(email="pat@example.test", full_name="Pat Browser")
    gp = GPFactory(email="gp@example.test", full_name="Dr Gale Browser")
    therapist = TherapistFactory(email="ther@example.test", full_name="Tess Browser")
    workspace = workspace_for(patient)
    gp_membership = add_member(workspace, gp, [Section.PROGRESS, Section.GOALS])
    add_member(workspace, therapist, [Section.GOALS])
    return {
        "patient": patient,
        "gp": gp,
        "therapist": therapist,
        "workspace": workspace,
        "gp_membership": gp_membership,
    }


@pytest.mark.parametrize(
    ("who", "path", "heading"),
    [
        ("patient", "patient:dashboard", "Welcome, Pat"),
        ("gp", "clinician:caseload", "Your patients"),
        ("therapist", "clinician:caseload", "Your patients"),
    ],
)
def test_each_persona_signs_in_and_lands_on_their_face(
    new_page, live_server, people, who, path, heading
):
    page = new_page()
    sign_in(page, live_server.url, people[who].email)
    assert page.url == live_server.url + reverse(path)
    assert page.get_by_role("heading", level=1).inner_text() == heading


def test_wrong_password_shows_a_clear_message(new_page, live_server, people):
    page = new_page()
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("E-mail address").fill("pat@example.test")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert "not right" in page.get_by_role("alert").first.inner_text()


def test_patient_turns_sharing_off_and_the_gp_no_longer_sees_the_section(
    new_page, live_server, people
):
    gp_page = new_page()
    sign_in(gp_page, live_server.url, "gp@example.test")
    gp_page.get_by_role("link", name="Pat Browser").click()
    assert gp_page.locator("#section-goals").get_attribute("data-shared") == "yes"

    patient_page = new_page()
    sign_in(patient_page, live_server.url, "pat@example.test")
    patient_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Me", exact=True
    ).click()
    patient_page.get_by_role("navigation", name="In Me").get_by_role("link", name="Sharing").click()
    assert (
        patient_page.get_by_role("navigation", name="In Me")
        .get_by_role("link", name="Sharing")
        .get_attribute("aria-current")
        == "page"
    )
    card = patient_page.locator(f"#member-{people['gp_membership'].pk}")
    goals = card.get_by_label("Goal ladders")
    assert goals.is_checked()
    goals.uncheck()
    card.get_by_role("button", name="Save").click()
    assert "now sees exactly what is ticked" in patient_page.get_by_role("status").inner_text()

    gp_page.reload()
    assert gp_page.locator("#section-goals").get_attribute("data-shared") == "no"
    assert "Goal ladders" in gp_page.locator("#not-shared").inner_text()
    assert gp_page.locator("#section-progress").get_attribute("data-shared") == "yes"


def test_skip_link_is_the_first_focusable_element(new_page, live_server, people):
    page = new_page()
    sign_in(page, live_server.url, "pat@example.test")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
