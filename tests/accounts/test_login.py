"""Log-in by e-mail, lock-out that holds under parallel attempts, sessions, idle timeout."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, GPFactory, PatientFactory

LOGIN = "/accounts/login/"


@pytest.mark.django_db
def test_patient_logs_in_with_email_and_lands_on_the_dashboard(client):
    patient = PatientFactory(email="Pat@Example.test")
    response = client.post(
        LOGIN, {"username": "pat@example.test", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("patient:dashboard")
    assert response.context["user"] == patient


@pytest.mark.django_db
def test_clinician_lands_on_the_caseload(client):
    GPFactory(email="doc@example.test")
    response = client.post(
        LOGIN, {"username": "doc@example.test", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("clinician:caseload")


@pytest.mark.django_db
def test_login_gives_a_new_session_id(client):
    PatientFactory(email="pat@example.test")
    client.get(LOGIN)
    client.cookies["sessionid"] = "attacker-chosen-session-id"
    client.post(LOGIN, {"username": "pat@example.test", "password": PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen-session-id"


@pytest.mark.django_db
def test_wrong_password_is_a_form_error_not_a_500(client):
    PatientFactory(email="pat@example.test")
    response = client.post(LOGIN, {"username": "pat@example.test", "password": "nope"})
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", [{}, {"username": "x" * 5000, "password": "y"}, {"username": "not-an-email"}]
)
def test_malformed_login_input_is_a_form_error(client, body):
    assert client.post(LOGIN, body).status_code == 200


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_MINUTES=15)
def test_account_locks_after_the_limit_even_with_the_right_password(client):
    PatientFactory(email="pat@example.test")
    for _ in range(3):
        client.post(LOGIN, {"username": "pat@example.test", "password": "wrong"})
    response = client.post(LOGIN, {"username": "pat@example.test", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many attempts" in response.content.decode()


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_MINUTES=15)
def test_an_unknown_address_is_paused_like_an_account_so_the_words_tell_nothing(client):
    PatientFactory(email="real@example.test")
    answers = {}
    for email in ("real@example.test", "nobody-here@example.test"):
        pages = [
            client.post(LOGIN, {"username": email, "password": "wrong"}).content.decode()
            for _ in range(4)
        ]
        assert "not right" in pages[0] and "Too many attempts" not in pages[0]
        answers[email] = ["Too many attempts" in page for page in pages]
    # The same answers, attempt by attempt, for an account and for an address without one.
    assert answers["real@example.test"] == answers["nobody-here@example.test"]
    assert answers["real@example.test"][-1] is True
    # Another unknown address is not paused by the first one's failures.
    page = client.post(LOGIN, {"username": "else@example.test", "password": "x"}).content.decode()
    assert "Too many attempts" not in page


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_MINUTES=15)
def test_successful_login_resets_the_failure_count(client):
    user = PatientFactory(email="pat@example.test")
    client.post(LOGIN, {"username": "pat@example.test", "password": "wrong"})
    client.post(LOGIN, {"username": "pat@example.test", "password": PASSWORD})
    user.refresh_from_db()
    assert user.failed_logins == 0


@pytest.mark.django_db(transaction=True)
@override_settings(LOGIN_FAILURE_LIMIT=5)
def test_lockout_holds_under_parallel_attempts():
    """20 threads guessing at once: no more than the limit may ever have a password checked."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL in CI")
    from django.contrib.auth import authenticate

    user = PatientFactory(email="race@example.test")
    checked = []
    original = User.check_password

    def counting_check(self, raw):
        checked.append(raw)
        time.sleep(0.01)
        return original(self, raw)

    User.check_password = counting_check
    try:
        barrier = threading.Barrier(20)

        def attempt(i):
            barrier.wait()
            try:
                authenticate(None, username="race@example.test", password=f"guess-{i}")
            finally:
                connection.close()

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        User.check_password = original
    user.refresh_from_db()
    assert len(checked) == 5
    assert user.locked_until is not None


@pytest.mark.django_db
def test_deactivated_users_session_stops_working_at_once(client):
    from accounts.services import user_deactivate

    gp = GPFactory()
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    assert client.get(reverse("clinician:caseload")).status_code == 200
    user_deactivate(user=gp)
    response = client.get(reverse("clinician:caseload"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_logout_is_post_only_and_ends_the_session(client):
    patient = PatientFactory()
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get(reverse("patient:dashboard")).status_code == 302


@pytest.mark.django_db
@override_settings(CLINICIAN_IDLE_TIMEOUT_MINUTES=1)
def test_idle_clinician_is_signed_out(client):
    gp = GPFactory()
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    assert client.get(reverse("clinician:caseload")).status_code == 200
    session = client.session
    session["last_seen_at"] = time.time() - 120
    session.save()
    response = client.get(reverse("clinician:caseload"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_patient_is_not_subject_to_the_clinician_idle_timeout(client):
    patient = PatientFactory()
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    session = client.session
    session["last_seen_at"] = time.time() - 10_000
    session.save()
    assert client.get(reverse("patient:dashboard")).status_code == 200


@pytest.mark.django_db
def test_password_reset_sends_a_link_that_sets_a_new_password(client, mailoutbox):
    PatientFactory(email="pat@example.test")
    client.post("/accounts/password/reset/", {"email": "pat@example.test"})
    assert len(mailoutbox) == 1
    link = next(
        line for line in mailoutbox[0].body.splitlines() if "/accounts/password/reset/" in line
    )
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    new = "a-brand-new-passphrase-42"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    fresh = Client()
    assert fresh.login(username="pat@example.test", password=new)


@pytest.mark.django_db
def test_password_reset_for_unknown_address_says_the_same_and_sends_nothing(client, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mailoutbox == []


@pytest.mark.django_db
def test_profile_update_rejects_an_unknown_time_zone(client):
    patient = PatientFactory()
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    response = client.post(
        "/accounts/profile/", {"full_name": "New", "timezone": "Mars/Olympus", "language": "en"}
    )
    assert response.status_code == 200
    patient.refresh_from_db()
    assert patient.timezone != "Mars/Olympus" and patient.full_name != "New"


@pytest.mark.django_db
def test_unknown_locked_and_wrong_all_do_the_same_password_hashing(monkeypatch):
    """Timing must not tell an unknown address from a locked account or a wrong password: each
    runs the real hasher the same number of times (counted by wrapping it, not timed)."""
    from django.contrib.auth import authenticate
    from django.contrib.auth.hashers import get_hasher

    PatientFactory(email="known@example.test")
    locked = PatientFactory(email="locked@example.test")
    User.objects.filter(pk=locked.pk).update(failed_logins=99)
    hasher_class = type(get_hasher())
    calls = []
    for name in ("encode", "verify"):
        real = getattr(hasher_class, name)

        def counted(self, *args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(hasher_class, name, counted)

    def work(email):
        authenticate(None, username=email, password="not-the-password")
        done = list(calls)
        calls.clear()
        return sorted(done)

    work("warm-up@example.test")  # the first attempt without an account makes the dummy hash
    unknown = work("nobody@example.test")
    locked_work = work("locked@example.test")
    wrong = work("known@example.test")
    assert unknown, "no hashing at all"
    assert unknown == locked_work == wrong
