"""The patient overview's panels are composed by the face: every section has one, and each
panel's template exists and renders."""

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
