"""Account changes end the person's other sessions: a password change (the current session
survives, renewed), a password reset and a deactivation (every session, and every API key),
whether made on the person's own pages or in the admin."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from knox.models import AuthToken

from accounts.models import User, UserSession
from accounts.sessions import session_keys_of
from records.models import AuditEvent
from tests.accounts.test_api_tokens import make_key, me
from tests.factories import PASSWORD, PatientFactory

pytestmark = [pytest.mark.django_db]

NEW = "a-brand-new-passphrase-42"


def signed_in(user) -> Client:
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert client.get(reverse("patient:dashboard")).status_code == 200
    return client


def is_signed_in(client) -> bool:
    return client.get(reverse("patient:dashboard")).status_code == 200


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one():
    patient = PatientFactory(email="pat@example.test")
    mine, stolen = signed_in(patient), signed_in(patient)
    # A key made from the stolen session: it must not outlive the change.
    AuthToken.objects.create(user=patient)
    before = mine.cookies["sessionid"].value
    response = mine.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert is_signed_in(mine)
    assert mine.cookies["sessionid"].value != before  # renewed under a new key
    assert not is_signed_in(stolen)
    # Ended, not merely refused: the other session's row is gone.
    assert UserSession.objects.count() == 1
    assert not AuthToken.objects.filter(user=patient).exists()
    assert AuditEvent.objects.filter(action="accounts.password.changed").exists()


def test_a_wrong_old_password_changes_nothing_and_ends_nothing():
    patient = PatientFactory(email="pat@example.test")
    mine, other = signed_in(patient), signed_in(patient)
    response = mine.post(
        reverse("accounts:password_change"),
        {"old_password": "not-it-at-all", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert is_signed_in(mine) and is_signed_in(other)
    assert User.objects.get(pk=patient.pk).check_password(PASSWORD)


def _reset(client, mailoutbox, email):
    client.post(reverse("accounts:password_reset"), {"email": email})
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/password/reset/" in line)
    form_page = client.get(link.split("testserver", 1)[1], follow=True)
    return client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}
    )


def test_a_password_reset_ends_every_session_and_deletes_the_api_keys(mailoutbox):
    patient = PatientFactory(email="pat@example.test")
    stolen = signed_in(patient)
    secret = make_key(stolen)
    assert me(secret).status_code == 200
    response = _reset(Client(), mailoutbox, "pat@example.test")
    assert response.status_code == 302
    assert not is_signed_in(stolen)
    assert me(secret).status_code == 401
    assert not AuthToken.objects.filter(user=patient).exists()
    assert session_keys_of(patient) == []
    assert Client().login(username="pat@example.test", password=NEW)


def test_deactivation_deletes_sessions_and_keys_so_reactivating_revives_neither():
    from accounts.services import user_deactivate

    patient = PatientFactory(email="pat@example.test")
    stolen = signed_in(patient)
    secret = make_key(stolen)
    user_deactivate(user=patient)
    User.objects.filter(pk=patient.pk).update(is_active=True)
    assert not is_signed_in(stolen)
    assert me(secret).status_code == 401


@pytest.fixture
def admin_client_(db):
    admin = User.objects.create_superuser(
        email="admin@example.test", password=PASSWORD, full_name="Ada Admin"
    )
    client = Client()
    client.force_login(admin)
    return client


def _admin_change_data(user, **changes) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "organisation": user.organisation_id or "",
        "timezone": user.timezone,
        "language": user.language,
        "is_active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_unticking_active_in_the_admin_ends_sessions_and_keys(admin_client_):
    patient = PatientFactory(email="pat@example.test")
    stolen = signed_in(patient)
    secret = make_key(stolen)
    url = reverse("admin:accounts_user_change", args=[patient.pk])
    response = admin_client_.post(url, _admin_change_data(patient, is_active=None))
    assert response.status_code == 302, response.content.decode()[:2000]
    patient.refresh_from_db()
    assert not patient.is_active
    User.objects.filter(pk=patient.pk).update(is_active=True)
    assert not is_signed_in(stolen)
    assert me(secret).status_code == 401
    assert AuditEvent.objects.filter(action="accounts.user.deactivated").exists()


def test_saving_other_fields_in_the_admin_ends_nothing(admin_client_):
    patient = PatientFactory(email="pat@example.test")
    session = signed_in(patient)
    url = reverse("admin:accounts_user_change", args=[patient.pk])
    response = admin_client_.post(url, _admin_change_data(patient, full_name="New Name"))
    assert response.status_code == 302
    assert is_signed_in(session)


def test_a_password_set_in_the_admin_ends_every_session_and_key(admin_client_):
    patient = PatientFactory(email="pat@example.test")
    stolen = signed_in(patient)
    secret = make_key(stolen)
    url = reverse("admin:auth_user_password_change", args=[patient.pk])
    response = admin_client_.post(
        url, {"password1": NEW, "password2": NEW, "set_usable_password": "true"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not is_signed_in(stolen)
    assert me(secret).status_code == 401
    event = AuditEvent.objects.get(action="accounts.password.reset")
    assert event.actor.email == "admin@example.test"
    assert admin_client_.get(reverse("admin:index")).status_code == 200


def test_a_session_knows_whose_it_is_and_is_found_in_one_query(django_assert_num_queries):
    patient, other = PatientFactory(email="pat@example.test"), PatientFactory()
    first, second = signed_in(patient), signed_in(patient)
    signed_in(other)
    anonymous = Client()
    anonymous.get(reverse("accounts:login"))
    anonymous.session.save()  # a session before anyone signs in belongs to nobody
    keys = {first.cookies["sessionid"].value, second.cookies["sessionid"].value}
    assert (
        set(UserSession.objects.filter(user=patient).values_list("session_key", flat=True)) == keys
    )
    assert UserSession.objects.filter(user=None).exists()
    with django_assert_num_queries(1):
        assert set(session_keys_of(patient)) == keys
    # Signing out removes the row; the person's other session stays.
    first.post(reverse("accounts:logout"))
    assert session_keys_of(patient) == [second.cookies["sessionid"].value]


def _reads_of(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return [q["sql"] for q in ctx.captured_queries]


def test_a_signed_in_request_reads_the_account_with_the_session_row():
    patient = PatientFactory(email="pat@example.test")
    client = signed_in(patient)
    reads = _reads_of(client, reverse("patient:help"))
    sessions = [sql for sql in reads if 'FROM "accounts_usersession"' in sql]
    assert len(sessions) == 1 and 'JOIN "accounts_user"' in sessions[0]
    assert not [sql for sql in reads if 'FROM "accounts_user"' in sql]


def test_the_account_read_with_the_session_is_checked_as_django_checks_it():
    """Read with the session row or not, the account must still be allowed to sign in and
    still hold the password the session was made with."""
    patient = PatientFactory(email="pat@example.test")
    client = signed_in(patient)
    User.objects.filter(pk=patient.pk).update(is_active=False)  # behind the services' back
    assert not is_signed_in(client)
    User.objects.filter(pk=patient.pk).update(is_active=True)
    client = signed_in(patient)
    patient.set_password(NEW)
    User.objects.filter(pk=patient.pk).update(password=patient.password)  # no session ended
    assert not is_signed_in(client)
