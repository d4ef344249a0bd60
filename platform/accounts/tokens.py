"""API tokens: one person's keys for scripts and apps that call ``/api/v1/`` on their behalf.

Built on django-rest-knox: a token is shown once when it is made and stored only as a SHA-512
digest (a copy of the database gives nobody a working key), it expires after
``API_TOKEN_TTL_DAYS``, and a person holds at most ``API_TOKENS_PER_USER`` unexpired ones.
Tokens are made only from a signed-in session, which for a clinician means one that has
passed the second factor; a request with a token is that person, under the same policy as
every other request. Making and revoking are audited (without the token).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from accounts.models import User
from records.services import audit


def tokens_of(user: User) -> QuerySet[AuthToken]:
    """The person's unexpired tokens, newest first (only their visible prefix and dates)."""
    return AuthToken.objects.filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user
    ).order_by("-created")


@transaction.atomic
def token_create(*, user: User) -> tuple[AuthToken, str]:
    """Make a token; returns it and its secret, which is never available again."""

    # Lock the person's row so two requests at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    if tokens_of(user).count() >= settings.API_TOKENS_PER_USER:
        raise ValidationError(
            _("You already have %(n)d API keys. Revoke one you no longer use first.")
            % {"n": settings.API_TOKENS_PER_USER}
        )
    instance, secret = AuthToken.objects.create(user=user)
    audit(action="accounts.token.created", actor=user, key=instance.token_key)
    return instance, secret


@transaction.atomic
def token_revoke(*, user: User, key: str) -> None:
    """Revoke one of the person's own tokens by its visible prefix: 404 for any other key."""

    deleted, _rows = AuthToken.objects.filter(user=user, token_key=key).delete()
    if not deleted:
        raise Http404
    audit(action="accounts.token.revoked", actor=user, key=key)


def token_exists(*, user: User, key: str) -> bool:
    """Whether ``key`` is the visible prefix of one of the person's own tokens."""
    return AuthToken.objects.filter(user=user, token_key=key).exists()


@transaction.atomic
def token_revoke_all(*, user: User) -> int:

    deleted, _rows = AuthToken.objects.filter(user=user).delete()
    if deleted:
        audit(action="accounts.token.revoked_all", actor=user, count=deleted)
    return deleted
