"""Messaging API: threads, messages (keyset pages by sequence), receipts and agreements.

Thin views: authorization through ``messaging.selectors`` / ``care.policies`` (404 to anyone who
is not a participant), writes through ``messaging.services``.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from care import policies
from config.input_hygiene import HygienicJSONParser
from config.openapi import ERROR, VALIDATION_ERROR
from messaging import attachments, downloads, selectors, services
from messaging.models import Attachment
from messaging.payloads import message_payload
from messaging.serializers import (
    AgreementAcknowledgeSerializer,
    AgreementSerializer,
    MessageEditSerializer,
    MessagePageSerializer,
    MessageRemoveSerializer,
    MessageSendSerializer,
    MessageSerializer,
    PrivateThreadOpenSerializer,
    ReadSerializer,
    ThreadSerializer,
)

ACCESS_SECTION = "messages"


def _valid(serializer_class, request):
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data


class ThreadList(APIView):
    """Every thread the user takes part in, with unread counts (filtered through the policy)."""

    @extend_schema(responses=ThreadSerializer(many=True))
    def get(self, request):
        workspace_ids = list(
            policies.workspaces_for_user(request.user).values_list("pk", flat=True)
        )
        services.team_threads_ensure(workspace_ids=workspace_ids)
        threads = selectors.threads_with_counts(request.user).order_by("-last_message_at", "pk")
        return Response(ThreadSerializer(threads, many=True).data)


class _Cursor(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, required=False)
    before = serializers.IntegerField(min_value=1, required=False)

    def validate(self, attrs):
        if "after" in attrs and "before" in attrs:
            raise serializers.ValidationError("Use either after or before, not both.")
        return attrs


class MessageList(APIView):
    """GET: one page of messages, ascending. ``after=N`` gives the next page after sequence N
    (catch-up); ``before=N`` the page before N; neither gives the latest page.
    POST: send, with a client-generated ``client_id`` (a retry returns the stored message, 200)."""

    @extend_schema(
        parameters=[_Cursor],
        responses={200: MessagePageSerializer, 400: VALIDATION_ERROR},
    )
    def get(self, request, thread_id):
        thread = selectors.thread_for_user(request.user, thread_id)
        cursor = _Cursor(data=request.query_params)
        cursor.is_valid(raise_exception=True)
        after, before = cursor.validated_data.get("after"), cursor.validated_data.get("before")
        messages = selectors.messages_for_thread(thread=thread, after=after, before=before)
        policies.workspace_read(
            user=request.user, workspace=thread.workspace, section=ACCESS_SECTION, via="api"
        )
        full = len(messages) == selectors.PAGE_SIZE
        return Response(
            {
                "results": [message_payload(m) for m in messages],
                "next_after": messages[-1].sequence
                if messages and (after is None or full)
                else None,
                "previous_before": messages[0].sequence
                if messages and messages[0].sequence > 1
                else None,
            }
        )

    parser_classes = [HygienicJSONParser, MultiPartParser]

    @extend_schema(
        request=MessageSendSerializer,
        responses={
            201: MessageSerializer,
            200: OpenApiResponse(
                MessageSerializer, description="A retry: the message already stored for client_id."
            ),
            413: ERROR,
        },
    )
    def post(self, request, thread_id):
        thread = selectors.thread_for_user(request.user, thread_id)
        if attachments.request_too_large(request):
            raise _TooLarge(attachments.too_large_message())
        data = _valid(MessageSendSerializer, request)
        message, created = services.message_send(
            thread=thread,
            sender=request.user,
            body=data.get("body", ""),
            client_id=data["client_id"],
            files=data.get("attachments", []),
        )
        return Response(
            message_payload(message),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class _TooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class MessageAttachment(APIView):
    """The file of one attachment, for a participant of the thread. Pictures are served inline,
    PDFs as a download; never cached. A clinician's download is written to the patient's access
    log."""

    @extend_schema(
        responses={
            (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="the file")
            for content_type in Attachment.Type.values
        }
    )
    def get(self, request, thread_id, attachment_id):
        return downloads.attachment_response(
            user=request.user, thread_id=thread_id, attachment_id=attachment_id, via="api"
        )


class MessageEdit(APIView):
    """Change one's own message; the previous text is kept in its history."""

    @extend_schema(request=MessageEditSerializer, responses=MessageSerializer)
    def post(self, request, thread_id):
        thread = selectors.thread_for_user(request.user, thread_id)
        data = _valid(MessageEditSerializer, request)
        message = services.message_edit(
            thread=thread, message_id=data["message"], by=request.user, body=data["body"]
        )
        return Response(message_payload(message))


class MessageRemove(APIView):
    """Remove one's own message: the thread keeps a "message removed" marker."""

    @extend_schema(request=MessageRemoveSerializer, responses=MessageSerializer)
    def post(self, request, thread_id):
        thread = selectors.thread_for_user(request.user, thread_id)
        data = _valid(MessageRemoveSerializer, request)
        message = services.message_remove(
            thread=thread, message_id=data["message"], by=request.user
        )
        return Response(message_payload(message))


class ThreadRead(APIView):
    """Mark the thread read up to ``sequence`` (a read receipt for the others)."""

    @extend_schema(request=ReadSerializer, responses=ReadSerializer)
    def post(self, request, thread_id):
        thread = selectors.thread_for_user(request.user, thread_id)
        data = _valid(ReadSerializer, request)
        sequence = services.thread_mark_read(
            thread=thread, user=request.user, sequence=data["sequence"]
        )
        return Response({"sequence": sequence})


class PrivateThreadOpen(APIView):
    """The patient opens a private thread with one member of their care team."""

    @extend_schema(request=PrivateThreadOpenSerializer, responses={201: ThreadSerializer})
    def post(self, request, workspace_id):
        workspace = policies.workspace_owned_by(request.user, workspace_id)
        data = _valid(PrivateThreadOpenSerializer, request)
        thread = services.private_thread_open(
            workspace=workspace, membership_id=data["membership"], by=request.user
        )
        row = selectors.threads_with_counts(request.user).get(pk=thread.pk)
        return Response(ThreadSerializer(row).data, status=status.HTTP_201_CREATED)


class AgreementList(APIView):
    """GET: every active member's reply agreement. POST (a clinician): set one's own."""

    @extend_schema(responses=AgreementSerializer(many=True))
    def get(self, request, workspace_id):
        workspace = policies.workspace_for_user(request.user, workspace_id)
        agreements = selectors.agreements_for_workspace(workspace=workspace)
        return Response(AgreementSerializer(agreements, many=True).data)

    @extend_schema(request=AgreementSerializer, responses=AgreementSerializer)
    def post(self, request, workspace_id):
        workspace = policies.workspace_for_user(request.user, workspace_id)
        data = _valid(AgreementSerializer, request)
        agreement = services.agreement_set(
            workspace=workspace,
            clinician=request.user,
            reply_within_working_days=data["reply_within_working_days"],
            office_hours=data.get("office_hours", ""),
        )
        return Response(AgreementSerializer(agreement).data)


class AgreementAcknowledge(APIView):
    """The patient confirms they have read a member's agreement."""

    @extend_schema(request=AgreementAcknowledgeSerializer, responses=AgreementSerializer)
    def post(self, request, workspace_id):
        workspace = policies.workspace_owned_by(request.user, workspace_id)
        data = _valid(AgreementAcknowledgeSerializer, request)
        agreement = services.agreement_acknowledge(
            workspace=workspace, membership_id=data["membership"], by=request.user
        )
        return Response(AgreementSerializer(agreement).data)
