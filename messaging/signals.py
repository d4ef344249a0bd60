"""Signal receivers of messaging.

* Signing out ends the live sockets of that session (QUALITY.md: logout ends open sockets).
* Deleting an attachment row (erasure, or a cascade from its workspace) deletes its file once
  the deletion has committed; a rolled-back deletion keeps the file.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from accounts.sessions import session_fingerprint
from records.events import publish, user_group


def close_sockets_on_logout(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    fingerprint = session_fingerprint(getattr(session, "session_key", None))
    if user is None or fingerprint is None:
        return
    publish(user_group(user.pk), {"type": "session.ended", "session": fingerprint})


def delete_attachment_file(sender, instance, using, **kwargs):
    from messaging import attachments

    transaction.on_commit(partial(attachments.discard, [instance.storage_name]), using=using)
