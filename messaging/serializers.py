"""API shapes for messaging. Messages use the same shape as the live socket (payloads.py)."""

from __future__ import annotations

from rest_framework import serializers

from messaging.models import MESSAGE_MAX_LENGTH


class ThreadSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    workspace = serializers.UUIDField(source="workspace_id")
    kind = serializers.CharField()
    patient_name = serializers.CharField(source="workspace.patient.full_name")
    member_name = serializers.SerializerMethodField()
    last_sequence = serializers.IntegerField()
    last_message_at = serializers.DateTimeField(allow_null=True)
    read_sequence = serializers.IntegerField()
    unread = serializers.IntegerField()

    def get_member_name(self, thread) -> str | None:
        return thread.membership.clinician.full_name if thread.membership_id else None


class AttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField()


class MessageSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    thread = serializers.UUIDField()
    sequence = serializers.IntegerField()
    client_id = serializers.UUIDField()
    sender = serializers.UUIDField(allow_null=True)
    sender_name = serializers.CharField()
    body = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    edited = serializers.BooleanField()
    removed = serializers.BooleanField()
    attachments = AttachmentSerializer(many=True)


class MessagePageSerializer(serializers.Serializer):
    results = MessageSerializer(many=True)
    next_after = serializers.IntegerField(allow_null=True)
    previous_before = serializers.IntegerField(allow_null=True)


class MessageSendSerializer(serializers.Serializer):
    """JSON for text; ``multipart/form-data`` to attach files (repeat the ``attachments`` part,
    at most three). The text may be empty when a file is attached."""

    client_id = serializers.UUIDField()
    body = serializers.CharField(
        max_length=MESSAGE_MAX_LENGTH, required=False, allow_blank=True, trim_whitespace=False
    )
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False), required=False
    )


class MessageEditSerializer(serializers.Serializer):
    message = serializers.UUIDField()
    body = serializers.CharField(max_length=MESSAGE_MAX_LENGTH)


class MessageRemoveSerializer(serializers.Serializer):
    message = serializers.UUIDField()


class ReadSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(min_value=0)


class PrivateThreadOpenSerializer(serializers.Serializer):
    membership = serializers.UUIDField()


class AgreementSerializer(serializers.Serializer):
    membership = serializers.UUIDField(source="membership_id", read_only=True)
    clinician_name = serializers.CharField(source="membership.clinician.full_name", read_only=True)
    reply_within_working_days = serializers.IntegerField(min_value=1, max_value=10)
    office_hours = serializers.CharField(max_length=120, allow_blank=True, required=False)
    acknowledged_at = serializers.DateTimeField(read_only=True, allow_null=True)


class AgreementAcknowledgeSerializer(serializers.Serializer):
    membership = serializers.UUIDField()
