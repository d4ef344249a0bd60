"""The patient overview's panels are composed by the face: every section has one, and each
panel's template exists and renders."""

import uuid

import pytest
from django.template.loader import get_template

from care.sections import Section
from clinician_app.panels import PANELS, panel_for


def test_every_section_has_a_panel_with_a_template():
    assert set(PANELS) == set(Section)
    for section in Section:
        panel = panel_for(section)
        assert panel.section == section
        get_template(panel.template)  # raises TemplateDoesNotExist


@pytest.mark.django_db
def test_a_fully_shared_overview_renders_every_panel(client, gp, workspace):
    from django.urls import reverse

    from tests.factories import ALL_SECTIONS, add_member

    add_member(workspace, gp, ALL_SECTIONS)
    client.force_login(gp)
    body = client.get(reverse("clinician:patient_overview", args=[workspace.pk])).content.decode()
    assert "Nothing recorded here yet" not in body
    assert "Not shared with you" not in body


@pytest.mark.django_db
def test_the_overview_leads_with_what_needs_action_and_folds_unshared_sections(
    client, gp, workspace
):
    from django.urls import reverse

    from care.sections import Section
    from messaging import services as messaging_services
    from tests.factories import add_member

    add_member(workspace, gp, [Section.PROGRESS])
    thread = messaging_services.team_thread_for(workspace=workspace)
    messaging_services.message_send(
        thread=thread, sender=workspace.patient, body="Hello", client_id=str(uuid.uuid4())
    )
    client.force_login(gp)
    body = client.get(reverse("clinician:patient_overview", args=[workspace.pk])).content.decode()
    # "Needs your attention" comes before everything else, with the unread message and a way
    # to write to the patient.
    assert body.index('id="attention"') < body.index('id="alerts"') < body.index("section-progress")
    assert "1 unread message" in body
    assert f'href="{reverse("clinician:message_thread", args=[thread.pk])}#send-form"' in body
    # One line names the seven sections not shared, instead of seven empty cards.
    line = body[body.index('id="not-shared"') :]
    assert all(
        f'data-section="{s.value}" data-shared="no"' in line
        for s in Section
        if s != Section.PROGRESS
    )
    assert body.count('class="card" id="section-') == 1
