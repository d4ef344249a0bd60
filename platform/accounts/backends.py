"""Log-in by e-mail with a per-account lock-out that holds under parallel attempts.

Every attempt does the same password-hashing work, one check against a hash, whether the
address is unknown, the account is locked, or the password is wrong: otherwise the time of the
answer tells which addresses have accounts (a locked one answered without hashing at all).

Nor do the words tell: an address without an account is "paused" after the same number of
failed attempts, for the same time, as an account is (counted in the cache, keyed by a hash of
the address, so no unknown address is stored)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.core.cache import cache
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.crypto import get_random_string, salted_hmac

from accounts.models import User
from accounts.session_store import account_read_with_session

_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of a random password made with the current default hasher and its current cost
    (so a check against it costs what a check against a real account's hash costs)."""
    hasher = get_hasher()
    encoded = _DUMMY_HASHES.get(hasher.algorithm)
    if encoded is None or hasher.must_update(encoded):
        encoded = _DUMMY_HASHES[hasher.algorithm] = make_password(get_random_string(32))
    return encoded


def _check_without_account(password: str) -> None:
    """The hashing work of one password check, for an attempt that has no hash to check."""
    check_password(password, _dummy_hash())


UNKNOWN_PREFIX = "login-unknown:"


def _unknown_key(email: str) -> str:
    """The cache key of an address: a keyed hash (the site's secret), never the address."""
    digest = salted_hmac("accounts.login-unknown", email.strip().lower()).hexdigest()
    return UNKNOWN_PREFIX + digest


def _count_unknown_failure(email: str) -> None:
    """One more failed attempt on an address without an account; the count lives as long as a
    lock-out lasts, from the first failure."""
    key = _unknown_key(email)
    if cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_MINUTES * 60):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_MINUTES * 60)


def _reserve_attempt(user_id) -> bool:
    """Take one attempt from the account's budget in a single UPDATE.

    The check and the increment happen in one statement, so no number of parallel requests can
    test more than ``LOGIN_FAILURE_LIMIT`` passwords before the lock-out. Returns False when the
    account is locked.
    """
    now = timezone.now()
    limit = settings.LOGIN_FAILURE_LIMIT
    expired = Q(locked_until__isnull=False, locked_until__lte=now)
    updated = User.objects.filter(Q(pk=user_id) & (Q(failed_logins__lt=limit) | expired)).update(
        failed_logins=Case(When(expired, then=Value(1)), default=F("failed_logins") + 1),
        locked_until=Case(When(expired, then=Value(None)), default=F("locked_until")),
    )
    return updated == 1


def _settle_attempt(user_id, *, succeeded: bool) -> None:
    if succeeded:
        User.objects.filter(pk=user_id).update(failed_logins=0, locked_until=None)
        return
    until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    User.objects.filter(
        pk=user_id, failed_logins__gte=settings.LOGIN_FAILURE_LIMIT, locked_until__isnull=True
    ).update(locked_until=until)


def account_is_locked(email: str) -> bool:
    """Whether sign-in at this address is paused: an account locked out, or an address without
    an account that failed as often (the answer must not tell the two apart)."""
    now = timezone.now()
    accounts = User.objects.filter(email__iexact=email)
    if not accounts.exists():
        return (cache.get(_unknown_key(email)) or 0) >= settings.LOGIN_FAILURE_LIMIT
    return (
        accounts.filter(failed_logins__gte=settings.LOGIN_FAILURE_LIMIT)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__gt=now))
        .exists()
    )


class EmailBackend(ModelBackend):
    def get_user(self, user_id):
        """The account the session names: the one read with the session row when it was
        (``accounts.session_store``), else read by id as Django does; None for an account that
        may not sign in."""
        user = account_read_with_session(user_id)
        if user is None:
            return super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or "").strip()
        if not email or password is None:
            return None
        try:
            user = User.objects.get(email__iexact=email)
        except User.DoesNotExist:
            _check_without_account(password)
            _count_unknown_failure(email)
            return None
        if not _reserve_attempt(user.pk):
            _check_without_account(password)
            return None
        ok = user.check_password(password) and self.user_can_authenticate(user)
        _settle_attempt(user.pk, succeeded=ok)
        return user if ok else None
