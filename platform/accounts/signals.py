"""Signing out ends the live sockets of that session too: the live consumer re-checks its session
when it receives ``access.changed`` and closes if the session is gone."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from care.events import publish_access_changed


@receiver(user_logged_out)
def close_sockets_on_logout(sender, request, user, **kwargs):
    if user is not None:
        publish_access_changed(user_ids=[user.pk])
