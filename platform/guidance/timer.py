"""How long a form was open: a signed "opened at" token rendered with the form.

The token carries the user's id and the moment the form was first shown, signed with the
site's secret (``django.core.signing``), so it cannot be made up or reused by someone else. A
form shown again after a validation error keeps its first token. A missing, forged or foreign
token is not an error: the act is counted with the kind's default time instead.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.utils import timezone

FIELD = "guidance_started"
_SALT = "guidance.timer"
# Older tokens are ignored (a tab left open for days measures nothing useful).
_MAX_AGE = timedelta(hours=12)


def token_for(user) -> str:
    return signing.dumps({"u": str(user.pk), "t": int(timezone.now().timestamp())}, salt=_SALT)


def _opened(token, user) -> float | None:
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    try:
        data = signing.loads(token, salt=_SALT, max_age=_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != str(user.pk):
        return None
    opened = data.get("t")
    return opened if isinstance(opened, int) else None


def current_token(request) -> str:
    """The posted token when it is still valid (a form shown again), else a fresh one."""
    posted = request.POST.get(FIELD) if request.method == "POST" else None
    if _opened(posted, request.user) is not None:
        return posted
    return token_for(request.user)


def time_spent(request) -> timedelta | None:
    """How long ago the submitted form was first shown to this user, or None."""
    opened = _opened(request.POST.get(FIELD), request.user)
    if opened is None:
        return None
    return timedelta(seconds=max(0.0, timezone.now().timestamp() - opened))
