"""Serving an attachment file: to current participants only, never cached, access logged.

Shared by the patient's and the clinician's pages and by the API, so that every way to a file
checks, logs and answers alike.
"""

from __future__ import annotations

import logging

from django.http import FileResponse, Http404

from care import policies
from messaging import attachments, selectors

logger = logging.getLogger(__name__)

# The access-log section of a download (the patient sees "Files attached to your messages").
ACCESS_SECTION = "message_attachment"
# A file is shown as a document of its own: no script, no plugin, no framing, a unique origin.
FILE_CSP = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'"


def attachment_response(*, user, thread_id, attachment_id, via: str) -> FileResponse:
    """The file of one attachment. Pictures open in the browser; PDFs are always downloaded
    (a PDF viewer runs the document's own scripts and forms). Raises Http404 for anyone who is
    not a participant of the thread, and for a file missing from storage."""
    thread, attachment = selectors.attachment_for_user(user, thread_id, attachment_id)
    try:
        handle = attachments.storage().open(attachment.storage_name, "rb")
    except FileNotFoundError:
        logger.error("attachment %s has no file in storage", attachment.pk)
        raise Http404 from None
    policies.workspace_read(user=user, workspace=thread.workspace, section=ACCESS_SECTION, via=via)
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.name,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
