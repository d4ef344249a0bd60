"""The shared form include: an error summary at the top that links to each field with an error,
each error beside its field and named by the field's ``aria-describedby``; the script that
focuses the summary is a static file, so the Content-Security-Policy needs no exception."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from config.middleware import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db


@pytest.fixture
def gallery(client):
    response = client.get(reverse("design"))
    assert response.status_code == 200
    return response


def test_the_error_summary_is_an_alert_that_can_take_focus(gallery):
    body = gallery.content.decode()
    summary = re.search(r"<div class=\"error-summary\"[^>]*>", body).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert "data-error-summary" in summary
    assert body.index("error-summary") < body.index('class="field')


def test_the_summary_links_to_every_field_with_an_error(gallery):
    form = gallery.context["form"]
    body = gallery.content.decode()
    summary = body[
        body.index("error-summary-list") : body.index("</ul>", body.index("error-summary-list"))
    ]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert set(form.errors) == {"name", "email", "contact"}
    assert targets == ["id_name", "id_email", "id_contact_field"]
    for target in targets:
        assert f'id="{target}"' in body


def test_each_error_sits_by_its_field_and_is_named_by_it(gallery):
    body = gallery.content.decode()
    for name in ("name", "email"):
        tag = re.search(rf"<input[^>]*id=\"id_{name}\"[^>]*>", body).group(0)
        described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
        assert f"id_{name}_error" in described and 'aria-invalid="true"' in tag
        assert f'<p class="field-error" id="id_{name}_error">' in body
    assert 'aria-describedby="id_contact_error"' in body  # a radio group: on its fieldset
    hint = re.search(r"<input[^>]*id=\"id_name\"[^>]*>", body).group(0)
    assert "id_name_helptext" in hint and 'id="id_name_helptext"' in body


def test_the_focus_script_is_a_static_file_and_the_csp_is_kept(gallery):
    body = gallery.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body) == []
    assert "/static/js/app.js" in body
    assert gallery.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert (
        "script-src 'self'" in CONTENT_SECURITY_POLICY
        and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    )
    assert ' style="' not in body


def test_a_valid_form_shows_no_summary(client, patient):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "data-error-summary" not in body and 'class="field"' in body
