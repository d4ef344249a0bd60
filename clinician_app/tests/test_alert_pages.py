"""Alert pages, review cadence pages and the overview's alerts panel and timeline."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts import services
from alerts.models import Alert, CareCadence, Review
from care.sections import Section
from records.models import AccessLogEntry
from tests.factories import GPFactory, PatientFactory, add_member, local_today, workspace_for

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


def raise_inactivity(workspace, source="never-active"):
    return services.alert_raise(
        workspace=workspace, kind="inactivity", severity="routine", source_id=source
    )[0]


def test_a_gp_acknowledges_and_resolves_an_alert(client, workspace, gp, gp_membership):
    alert = raise_inactivity(workspace)
    detail = reverse("clinician:alert_detail", args=[alert.pk])
    page = login(client, gp).get(detail)
    assert page.status_code == 200 and "Acknowledge" in page.content.decode()
    response = client.post(reverse("clinician:alert_acknowledge", args=[alert.pk]))
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == gp

    resolve = reverse("clinician:alert_resolve", args=[alert.pk])
    empty = client.post(resolve, {"note": "  "})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    assert client.post(resolve, {"note": "Sent an encouraging message."}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolution_note == "Sent an encouraging message."

    again = client.post(resolve, {"note": "twice"})
    assert again.status_code == 409 and "already been resolved" in again.content.decode()
    alert.refresh_from_db()
    assert alert.resolution_note == "Sent an encouraging message."
    assert AccessLogEntry.objects.filter(workspace=workspace, actor=gp, section="alerts").exists()


def test_someone_elses_patient_is_404_and_nothing_changes(
    client, workspace, gp_membership, outsider_clinician
):
    alert = raise_inactivity(workspace)
    login(client, outsider_clinician)
    for name in ("alert_acknowledge", "alert_resolve"):
        assert (
            client.post(reverse(f"clinician:{name}", args=[alert.pk]), {"note": "x"}).status_code
            == 404
        )
    assert client.get(reverse("clinician:alert_detail", args=[alert.pk])).status_code == 404
    alert.refresh_from_db()
    assert alert.status == "open"


def test_a_member_the_section_is_not_shared_with_gets_not_shared(
    client, workspace, gp_membership, therapist, therapist_membership
):
    alert = raise_inactivity(workspace)
    response = login(client, therapist).get(reverse("clinician:alert_detail", args=[alert.pk]))
    assert response.status_code == 403
    listing = client.get(reverse("clinician:alert_list")).content.decode()
    assert str(alert.pk) not in listing


def test_the_alert_list_is_flat_and_logged(client):
    counts = []
    for size in (2, 50):
        gp = GPFactory()
        for _ in range(size):
            ws = workspace_for(PatientFactory())
            add_member(ws, gp, [Section.PROGRESS])
            raise_inactivity(ws)
        login(client, gp)
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(reverse("clinician:alert_list")).content.decode()
        assert body.count("data-alert=") == size
        counts.append(len(ctx.captured_queries))
        assert AccessLogEntry.objects.filter(actor=gp, section="alerts").count() == size
    assert counts[0] == counts[1], counts


def test_the_alert_list_ignores_bad_filters(client, gp, gp_membership, workspace):
    raise_inactivity(workspace)
    body = login(client, gp).get(reverse("clinician:alert_list") + "?patient=nope&status=x")
    assert body.status_code == 200
    text = body.content.decode()
    assert "not valid" in text and "not known" in text and "data-alert=" in text


def test_cadence_form_saves_and_refuses_bad_intervals(client, workspace, gp, gp_membership):
    url = reverse("clinician:cadence_edit", args=[workspace.pk])
    login(client, gp)
    bad = client.post(
        url, {"review_interval_days": "0", "inactivity_days": "500", "next_review_on": "soon"}
    )
    body = bad.content.decode()
    # Each error beside its field, and a link to each in the summary at the top.
    assert bad.status_code == 200 and body.count('class="field-error"') == 3
    assert body.count('href="#id_') == 3 and "data-error-summary" in body
    assert not CareCadence.objects.exists()
    due = timezone.localdate() + timedelta(days=10)
    ok = client.post(
        url,
        {"review_interval_days": "21", "inactivity_days": "5", "next_review_on": due.isoformat()},
    )
    assert ok.status_code == 302
    cadence = CareCadence.objects.get(membership=gp_membership)
    assert (cadence.review_interval_days, cadence.inactivity_days) == (21, 5)
    assert cadence.next_review_on == due
    caseload = client.get(reverse("clinician:caseload")).content.decode()
    assert due.isoformat() in caseload


def test_recording_a_review_sets_the_next_date(client, workspace, gp, gp_membership):
    url = reverse("clinician:review_new", args=[workspace.pk])
    assert login(client, gp).post(url, {"note": ""}).status_code == 200
    assert not Review.objects.exists()
    assert client.post(url, {"note": "Goals reviewed together."}).status_code == 302
    review = Review.objects.get()
    assert review.next_review_on == local_today(gp) + timedelta(days=14)  # the clinician's today
    assert not review.shared_with_patient


def test_cadence_pages_are_for_the_care_team_only(
    client, workspace, gp_membership, outsider_clinician
):
    login(client, outsider_clinician)
    for name in ("cadence_edit", "review_new"):
        assert client.get(reverse(f"clinician:{name}", args=[workspace.pk])).status_code == 404


def test_overview_shows_alerts_and_a_timeline_within_consent(
    client, workspace, gp, gp_membership, therapist, therapist_membership, patient
):
    inactivity = raise_inactivity(workspace)
    risk, _ = services.alert_raise(
        workspace=workspace, kind="risk", severity="urgent", source_id="phq9-1"
    )
    services.alert_acknowledge(alert=risk, by=gp)
    url = reverse("clinician:patient_overview", args=[workspace.pk])
    body = login(client, gp).get(url).content.decode()
    assert f'data-alert="{inactivity.pk}"' in body and f'data-alert="{risk.pk}"' in body
    assert 'data-action="alerts.alert.acknowledged"' in body
    assert 'data-action="care.membership.accepted"' in body
    assert "Alert acknowledged: Risk answer" in body

    body = login(client, therapist).get(url).content.decode()
    assert f'data-alert="{inactivity.pk}"' not in body, "progress is not shared with them"
    # Safety information is not a section: the risk alert reaches every member.
    assert f'data-alert="{risk.pk}"' in body
    assert 'data-action="care.membership.accepted"' in body
    logged = set(AccessLogEntry.objects.filter(actor=therapist).values_list("section", flat=True))
    assert {"overview", "alerts", "timeline"} <= logged


def test_the_patient_does_not_reach_alert_pages(client, workspace, gp_membership, patient):
    alert = raise_inactivity(workspace)
    assert (
        login(client, patient).get(reverse("clinician:alert_detail", args=[alert.pk])).status_code
        == 403
    )
    assert Alert.objects.get().status == "open"


def test_the_patient_sees_only_review_notes_shared_with_them(
    client, workspace, gp, gp_membership, patient
):
    services.review_record(
        membership=gp_membership, by=gp, note="Shared: lovely progress.", shared_with_patient=True
    )
    services.review_record(membership=gp_membership, by=gp, note="Private: check sleep.")
    body = login(client, patient).get(reverse("patient:dashboard")).content.decode()
    assert "Shared: lovely progress." in body and "Private: check sleep." not in body
