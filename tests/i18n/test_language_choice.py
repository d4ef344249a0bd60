"""Which language a person reads (accounts/languages.py): the account's choice, then the
switcher's, then the browser's, then the organisation's default; and e-mails in the recipient's."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Organisation
from accounts.services import user_language_set

BACKEND = "accounts.backends.EmailBackend"


def _lang(response) -> str:
    return response.headers["Content-Language"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("da-DK,da;q=0.9,en;q=0.5", "da"),
        ("no", "nb"),
        ("nn-NO,nn;q=0.9", "nb"),
        ("nb", "nb"),
        ("de-DE,de;q=0.9", "en"),
        ("de;q=0.9,da;q=0.5", "da"),
        ("", "en"),
    ],
)
def test_a_signed_out_visitor_reads_the_browsers_language(client, header, expected):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE=header)
    assert _lang(response) == expected
    assert f'<html lang="{expected}">' in response.content.decode()


def test_the_accounts_language_beats_the_browsers(client, patient):
    user_language_set(user=patient, language="nb")
    client.force_login(patient, backend=BACKEND)
    response = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="da")
    assert _lang(response) == "nb"


def test_without_a_choice_the_browser_then_the_organisation_decides(client, gp):
    gp.organisation.country = "NO"
    gp.organisation.save()
    gp.language = ""
    gp.save()
    client.force_login(gp, backend=BACKEND)
    assert _lang(client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="da")) == "da"
    assert _lang(client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="fr")) == "nb"
    Organisation.objects.filter(pk=gp.organisation_id).update(language="en")
    assert _lang(client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="fr")) == "en"


@pytest.mark.django_db
def test_the_switcher_works_signed_out_and_only_returns_to_this_site(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="language" value="da"' in page and 'lang="nb"' in page
    response = client.post(
        reverse("accounts:set_language"), {"language": "da", "next": "/accounts/login/"}
    )
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert _lang(client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")) == "da"
    outside = client.post(
        reverse("accounts:set_language"), {"language": "nb", "next": "//evil.example/"}
    )
    assert outside.status_code == 302 and outside.url == "/"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["xx", "", "da\x00", "en-GB", "DA"])
def test_the_switcher_refuses_a_language_we_do_not_offer(client, bad):
    response = client.post(reverse("accounts:set_language"), {"language": bad})
    assert response.status_code == 400
    assert "language" not in response.cookies or not response.cookies["language"].value


def test_signed_in_the_switcher_saves_the_choice_on_the_account(client, patient):
    client.force_login(patient, backend=BACKEND)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'action="/accounts/language/"' in page  # in the footer of every page
    client.post(reverse("accounts:set_language"), {"language": "nb", "next": "/me/"})
    patient.refresh_from_db()
    assert patient.language == "nb"


@pytest.mark.parametrize(("language", "subject"), [("da", "Du har en ny besked"), ("nb", None)])
def test_a_message_email_goes_out_in_the_recipients_language(patient, language, subject):
    from messaging.notifications import email_for

    user_language_set(user=patient, language=language)
    english = email_for(type(patient)(language="en", email="x@example.org", role="patient"))
    got_subject, body = email_for(patient)
    assert got_subject != english[0] and body != english[1]
    if subject:
        assert got_subject == subject


def test_a_password_reset_email_follows_the_accounts_language(client, patient):
    user_language_set(user=patient, language="da")
    client.post(
        reverse("accounts:password_reset"), {"email": patient.email}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert len(mail.outbox) == 1
    english = "password"
    assert english not in mail.outbox[0].subject.lower()


def test_an_invitation_goes_out_in_the_organisations_language(gp):
    from care.services import invitation_create

    gp.organisation.country = "NO"
    gp.organisation.save()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation_create(clinician=gp, email="new@example.org", base_url="http://testserver")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject != "An invitation to your self-help programme"


def test_emergency_numbers_follow_the_organisations_country(client, gp):
    gp.organisation.country = "NO"
    gp.organisation.save()
    client.force_login(gp, backend=BACKEND)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert 'data-emergency="NO"' in body and "116 117" in body
    gp.organisation.country = "GB"
    gp.organisation.save()
    body = client.get(reverse("accounts:profile")).content.decode()
    assert 'data-emergency="GB"' in body and "999" in body
