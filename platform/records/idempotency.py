"""A form sent twice stores once: idempotency keys (docs/phone-app.md).

The patient's page script makes a random UUID in the browser each time the person submits a
check-in, a habit mark or an exercise answer, and sends it in the ``idempotency_key`` field; the
offline queue sends it again in the ``Idempotency-Key`` header when it replays the form. The
first request with a key runs the view; a later one from the same person with the same key runs
nothing and gets the same redirect. Keys are per person: another person's identical key is
theirs alone. A request without a key is an ordinary form post (pages work without JavaScript).

Only a view that succeeded (answered with a redirect) spends its key; a form sent back with
errors stored nothing, so its key may be sent again. Seen keys are kept ``KEEP_DAYS`` days.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from records.models import IdempotencyKey

HEADER = "Idempotency-Key"
FIELD = "idempotency_key"
MAX_LENGTH = 64
KEEP_DAYS = 7
REDIRECTS = (301, 302, 303, 307, 308)
BAD_KEY = gettext_lazy(
    "This form carried a code that is not valid, so nothing was saved. "
    "Please go back and send it again."
)


class BadKey(ValueError):
    """A key that is too long, holds a NUL character or is not a UUID."""


def key_from(request) -> uuid.UUID | None:
    """The request's key (the header wins over the form field), or None when it sends none."""
    raw = request.headers.get(HEADER)
    if raw is None:
        raw = request.POST.get(FIELD)
    if not raw:
        return None
    if len(raw) > MAX_LENGTH or "\x00" in raw:
        raise BadKey(raw[:MAX_LENGTH])
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadKey(raw) from None


def prune(*, user=None, days: int = KEEP_DAYS) -> int:
    """Forget keys older than ``days`` (one person's, or everyone's); returns how many."""
    seen = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - timedelta(days=days))
    if user is not None:
        seen = seen.filter(user=user)
    return seen.delete()[0]


def _refuse(request, detail: str):
    return render(request, "400.html", {"detail": detail}, status=400)


def _replay(request, seen: IdempotencyKey):
    if seen.path != request.path[:255]:
        return _refuse(
            request, _("This form was already sent with the same code elsewhere. Nothing changed.")
        )
    messages.info(request, _("This was already saved."))
    response = HttpResponseRedirect(seen.location)
    response.status_code = seen.status
    return response


def idempotent(view):
    """Run a POST view once per (person, key). Put it below the view's access decorators."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST" or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        try:
            key = key_from(request)
        except BadKey:
            return _refuse(request, BAD_KEY)
        if key is None:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            try:
                # A second request with the same key waits here until the first one is done.
                with transaction.atomic():
                    seen = IdempotencyKey.objects.create(
                        user=request.user, key=key, path=request.path[:255]
                    )
            except IntegrityError:
                return _replay(request, IdempotencyKey.objects.get(user=request.user, key=key))
            response = view(request, *args, **kwargs)
            if response.status_code in REDIRECTS and len(response.get("Location", "")) <= 2000:
                seen.status = response.status_code
                seen.location = response["Location"]
                seen.save(update_fields=["status", "location"])
                prune(user=request.user)
            else:
                seen.delete()
        return response

    return wrapper
