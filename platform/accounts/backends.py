"""Log-in by e-mail with a per-account lock-out that holds under parallel attempts."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from accounts.models import User


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
    now = timezone.now()
    return (
        User.objects.filter(email__iexact=email, failed_logins__gte=settings.LOGIN_FAILURE_LIMIT)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__gt=now))
        .exists()
    )


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or "").strip()
        if not email or password is None:
            return None
        try:
            user = User.objects.get(email__iexact=email)
        except User.DoesNotExist:
            # Spend the same time as a real check so that timing does not reveal accounts.
            User().set_password(password)
            return None
        if not _reserve_attempt(user.pk):
            return None
        ok = user.check_password(password) and self.user_can_authenticate(user)
        _settle_attempt(user.pk, succeeded=ok)
        return user if ok else None
