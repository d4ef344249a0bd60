"""Discharge and re-referral in a real browser: the lead discharges with a summary, the GP loses
access at once, the patient keeps everything and reads the summary; a new referral starts a new
course with nothing shared (docs/courses.md)."""

import pytest
from django.urls import reverse

from care import services as care
from care.models import Course
from care.sections import Section
from tests.factories import GPFactory, PatientFactory, add_member, workspace_for
from toolbox import services as toolbox

from .test_journeys import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_discharge_then_re_referral(new_page, live_server):
    patient = PatientFactory(email="pat@example.test", full_name="Pat Course")
    gp = GPFactory(email="gp@example.test", full_name="Dr Gale Course")
    workspace = workspace_for(patient)
    add_member(workspace, gp, [Section.PROGRESS, Section.CRISIS_PLAN])
    toolbox.crisis_item_add(
        workspace=workspace, by=patient, kind="warning_sign", text="Skipping meals"
    )
    overview = live_server.url + reverse("clinician:patient_overview", args=[workspace.pk])

    gp_page = new_page()
    sign_in(gp_page, live_server.url, gp.email)
    gp_page.goto(overview)
    gp_page.get_by_role("link", name="Discharge").click()
    gp_page.get_by_label("What we worked on").fill("Pacing and sleep.")
    gp_page.get_by_label("Staying well and next steps").fill("Keep the evening walk.")
    gp_page.get_by_role("button", name="Discharge").click()
    assert "What will happen" in gp_page.content()
    gp_page.get_by_role("button", name="Yes, discharge").click()
    gp_page.wait_for_load_state()
    assert gp_page.url == live_server.url + reverse("clinician:caseload")
    assert gp_page.get_by_role("link", name="Pat Course").count() == 0
    # Access has ended at once: the patient's page is gone for the GP.
    assert gp_page.goto(overview).status == 404

    patient_page = new_page()
    sign_in(patient_page, live_server.url, patient.email)
    patient_page.goto(live_server.url + reverse("patient:courses"))
    patient_page.get_by_role("link", name="Course 1").click()
    body = patient_page.locator("main").inner_text()
    assert "Pacing and sleep." in body and "Keep the evening walk." in body
    patient_page.goto(live_server.url + reverse("patient:crisis_plan"))
    assert "Skipping meals" in patient_page.locator("main").inner_text()

    # A re-referral: the GP invites again, the patient accepts with nothing ticked.
    care.membership_invite(workspace=workspace, clinician=gp, invited_by=gp)
    patient_page.goto(live_server.url + reverse("patient:care_team"))
    patient_page.get_by_role("button", name="Accept into my care team").click()
    patient_page.wait_for_load_state()
    assert Course.objects.filter(workspace=workspace, status="open", number=2).exists()
    patient_page.goto(live_server.url + reverse("patient:courses"))
    assert "Course 2: now" in patient_page.locator("main").inner_text()

    gp_page.goto(overview)
    shared = gp_page.locator("[data-section][data-shared='yes']")
    assert shared.count() == 0
    assert gp_page.locator("#not-shared").is_visible()
