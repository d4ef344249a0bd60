"""A relative in a real browser: the patient invites, the relative accepts with their own
account and sees only the crisis plan; the patient stops sharing; the relative's next page is
refused (docs/relatives.md)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PatientFactory, workspace_for
from toolbox import services as toolbox

from .test_journeys import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_invite_accept_see_the_crisis_plan_then_revoke(new_page, live_server, settings):
    settings.SITE_URL = live_server.url
    patient = PatientFactory(email="pat@example.test", full_name="Pat Trusting")
    workspace = workspace_for(patient)
    toolbox.crisis_item_add(
        workspace=workspace, by=patient, kind="warning_sign", text="Stops answering the phone"
    )
    toolbox.crisis_item_add(
        workspace=workspace, by=patient, kind="self_help", text="A walk by the water"
    )

    patient_page = new_page()
    sign_in(patient_page, live_server.url, patient.email)
    patient_page.goto(live_server.url + reverse("patient:relatives"))
    patient_page.get_by_label("Their e-mail address").fill("sis@example.test")
    patient_page.get_by_label("Who they are to you").fill("my sister")
    patient_page.get_by_label("Crisis plan").check()
    patient_page.get_by_role("button", name="Send the invitation").click()
    patient_page.wait_for_load_state()
    assert "on its way" in patient_page.locator("main").inner_text()

    (message,) = mail.outbox
    link = re.search(r"http\S+/shared-with-me/invitation/\S+/", message.body).group(0)
    relative_page = new_page()
    relative_page.goto(link)
    relative_page.get_by_label("Your name").fill("Sis Trusting")
    relative_page.get_by_label("Choose a password").fill("a long pass-phrase 91")
    relative_page.get_by_label("The password again").fill("a long pass-phrase 91")
    relative_page.get_by_role("button", name="Create my account and accept").click()
    relative_page.wait_for_load_state()
    assert relative_page.url == live_server.url + reverse("relative:home")
    relative_page.get_by_role("link", name="Their crisis plan").click()
    plan_url = relative_page.url
    body = relative_page.locator("main").inner_text()
    assert "Stops answering the phone" in body and "A walk by the water" in body
    # Nothing else of the patient's is reachable.
    assert relative_page.goto(live_server.url + reverse("patient:dashboard")).status == 403

    patient_page.goto(live_server.url + reverse("patient:relatives"))
    patient_page.get_by_role("button", name="Stop sharing with my sister").click()
    patient_page.get_by_role("button", name="Yes, stop sharing").click()
    patient_page.wait_for_load_state()

    assert relative_page.goto(plan_url).status == 404
    relative_page.goto(live_server.url + reverse("relative:home"))
    assert "Pat Trusting" not in relative_page.locator("main").inner_text()
    # The relative's look is in the patient's "who has seen my data".
    patient_page.goto(live_server.url + reverse("patient:access_log"))
    assert "Sis Trusting" in patient_page.locator("main").inner_text()
