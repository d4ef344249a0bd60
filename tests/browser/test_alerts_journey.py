"""A GP sees the patient who has gone quiet first, opens the overview, and closes the loop."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert
from alerts.rules import run_rules
from care.models import Workspace
from care.sections import Section
from tests.browser.test_journeys import sign_in
from tests.factories import GPFactory, PatientFactory, add_member, workspace_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_gp_acknowledges_and_resolves_an_inactivity_alert(new_page, live_server):
    gp = GPFactory(email="gp-alerts@example.test", full_name="Dr Ada Alert")
    for name, quiet_days in (("Abe Active", 1), ("Quinn Quiet", 12), ("Bo Busy", 0)):
        workspace = workspace_for(PatientFactory(full_name=name))
        add_member(workspace, gp, [Section.PROGRESS])
        Workspace.objects.filter(pk=workspace.pk).update(
            last_activity_at=timezone.now() - timedelta(days=quiet_days)
        )
    run_rules()

    page = new_page()
    sign_in(page, live_server.url, gp.email)
    first_row = page.locator("table.caseload tbody tr").first
    assert "Quinn Quiet" in first_row.inner_text()
    assert "Quiet for 12 days" in first_row.inner_text()

    first_row.get_by_role("link", name="Quinn Quiet").click()
    page.get_by_role("link", name="No recent activity").click()
    page.get_by_role("button", name="Acknowledge").click()
    assert page.locator("[data-status]").first.inner_text() == "Acknowledged"
    page.get_by_label("What was done").fill("Sent a message; we meet on Friday.")
    page.get_by_role("button", name="Resolve with this note").click()
    assert page.locator("[data-status]").first.inner_text() == "Resolved"
    assert "we meet on Friday" in page.locator(".resolution-note").inner_text()
    alert = Alert.objects.get()
    assert alert.status == "resolved" and alert.acknowledged_by == gp
