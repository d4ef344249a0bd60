"""What of messaging belongs to the patient. Attachment files are not inside the JSON download:
``message_attachments`` lists each one with the link where the patient downloads it."""

PATIENT_DATA = {
    "messaging.Thread": "workspace",
    "messaging.Message": "thread__workspace",
    "messaging.MessageRevision": "message__thread__workspace",
    "messaging.Attachment": "message__thread__workspace",
    "messaging.ReadMark": "thread__workspace",
    "messaging.ReplyAgreement": "membership__workspace",
    # Only the patient's own pending "new message" e-mail (a clinician's row names no patient).
    "messaging.PendingNotice": "recipient__workspace",
}
NOT_PATIENT_DATA = {
    "messaging.Presence": "a clinician's online state (socket count, last seen); no patient data",
    "messaging.LiveSocket": (
        "an open live socket (session fingerprint, last heartbeat), gone when it closes; no content"
    ),
}


def attachment_files(workspace) -> dict:
    """Every file attached in this workspace's threads (removed messages' too: they stay in the
    record), with the patient's own download link. Queries: 1."""
    from django.urls import reverse

    from messaging.models import Attachment

    rows = (
        Attachment.objects.filter(message__thread__workspace=workspace)
        .select_related("message")
        .order_by("message__thread", "message__sequence", "position")
    )
    return {
        "files": [
            {
                "id": str(row.pk),
                "message": str(row.message_id),
                "thread": str(row.message.thread_id),
                "name": row.name,
                "content_type": row.content_type,
                "size": row.size,
                "sha256": row.sha256,
                "sent_at": row.created_at.isoformat(),
                "message_removed": row.message.is_removed,
                "download": reverse(
                    "patient:message_thread_attachment",
                    kwargs={"thread_id": row.message.thread_id, "attachment_id": row.pk},
                ),
            }
            for row in rows
        ]
    }


EXTRA_EXPORTS = {"message_attachments": attachment_files}
