"""The safety loop in a real browser: a patient who shares only programme progress answers
PHQ-9 item 9 = 2; the lead's outbox has the e-mail at once; the lead signs in, sees the urgent
alert first in the caseload, opens it, and the patient's access log shows that read."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from care.models import Workspace
from care.sections import Section
from records.models import AccessLogEntry
from tests.browser.test_journeys import sign_in
from tests.factories import GPFactory, PatientFactory, add_member, workspace_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_risk_answer_reaches_a_gp_who_sees_only_progress(new_page, live_server, settings):
    settings.ALERTS_SITE_URL = live_server.url
    gp = GPFactory(email="lead@example.test", full_name="Dr Lena Lead")
    patient = PatientFactory(email="robin@example.test", full_name="Robin Risk")
    workspace = workspace_for(patient)
    add_member(workspace, gp, [Section.PROGRESS])
    # Other patients of the same GP, one of them quiet for a long time (an alert of its own),
    # so "first in the caseload" means something.
    for name in ("Aaron Able", "Quinn Quiet"):
        other = workspace_for(PatientFactory(full_name=name))
        add_member(other, gp, [Section.PROGRESS])
        Workspace.objects.filter(pk=other.pk).update(
            last_activity_at=timezone.now() - timedelta(days=20)
        )

    page = new_page()
    sign_in(page, live_server.url, patient.email)
    page.goto(live_server.url + "/me/measures/")
    # Told before the first questionnaire: whatever they share, the team is told.
    expect(page.locator("[data-safety=promise]")).to_contain_text("Dr Lena Lead")
    page.get_by_label("Patient Health Questionnaire (PHQ-9)", exact=False).check()
    page.get_by_role("button", name="Start or continue").click()
    for number in range(1, 9):
        page.locator(f"#i{number}-1").check()
    page.locator("#i9-2").check()
    page.get_by_role("button", name="Finish and see my score").click()
    assert "/me/measures/support/" in page.url
    expect(page.locator("[data-reach=team]")).to_contain_text("We have told Dr Lena Lead")

    # The lead's e-mail, at once, with a link to the alert and nothing about the patient.
    assert [m.to for m in mail.outbox] == [["lead@example.test"]]
    body = mail.outbox[0].body
    assert "Robin" not in body and "PHQ" not in body
    link = next(line for line in body.splitlines() if line.startswith(live_server.url))

    desk = new_page()
    sign_in(desk, live_server.url, gp.email)
    first_row = desk.locator("table.caseload tbody tr").first
    expect(first_row).to_contain_text("Robin Risk")
    expect(first_row).to_contain_text("1 urgent")
    desk.goto(link)
    details = desk.locator("[data-safety=details]")
    expect(details).to_contain_text("More than half the days")
    expect(details).to_contain_text("PHQ-9")
    expect(desk.locator("body")).not_to_contain_text("out of 27")
    desk.get_by_role("button", name="Acknowledge").click()
    expect(desk.locator("[data-status]").first).to_have_text("Acknowledged")

    # The patient sees the read in their access log.
    page.goto(live_server.url + "/me/who-has-seen-my-data/")
    expect(page.locator("body")).to_contain_text("Dr Lena Lead")
    expect(page.locator("body")).to_contain_text("your answer to a question about harming yourself")
    assert AccessLogEntry.objects.filter(workspace=workspace, actor=gp, section="safety").exists()
