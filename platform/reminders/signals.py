"""Signing out ends the push subscription that session made (the device stops receiving)."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from reminders.services import revoke_session, session_digest


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None:
        revoke_session(session_digest(request.session.session_key))
