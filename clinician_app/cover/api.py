"""API for covers: GET lists the clinician's covers that are not over, POST arranges one,
DELETE on one cover cancels it. Thin over ``care.selectors`` and ``care.services``; see docs/cover.md."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from care import selectors, services
from care.serializers import CoverSerializer
from clinician_app.alerts.api import CLINICIAN_ONLY


class CoverList(APIView):
    permission_classes = CLINICIAN_ONLY

    @extend_schema(responses=CoverSerializer(many=True))
    def get(self, request):
        """Covers given and received that are not over (cancelled ones included, marked)."""
        given, received = selectors.covers_for_clinician(clinician=request.user)
        return Response(CoverSerializer([*given, *received], many=True).data)

    @extend_schema(request=CoverSerializer, responses={201: CoverSerializer})
    def post(self, request):
        """Arrange cover with a colleague of the same organisation (inclusive dates)."""
        serializer = CoverSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        colleague = (
            services.cover_colleagues(absent=request.user).filter(pk=data["colleague_id"]).first()
        )
        if colleague is None:
            return Response(
                {"colleague_id": [_("Choose an active colleague from your own organisation.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            cover = services.cover_create(
                absent=request.user,
                colleague=colleague,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data.get("note", ""),
            )
        except ValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else error.messages
            return Response(detail, status=status.HTTP_400_BAD_REQUEST)
        return Response(CoverSerializer(cover).data, status=status.HTTP_201_CREATED)


class CoverDetail(APIView):
    permission_classes = CLINICIAN_ONLY

    @extend_schema(responses={204: None})
    def delete(self, request, cover_id):
        """Cancel a cover: for its two clinicians only (404 for anyone else). Its cover
        memberships end at once; cancelling again changes nothing."""
        cover = selectors.cover_for_clinician(clinician=request.user, cover_id=cover_id)
        if cover is None:
            raise NotFound
        services.cover_cancel(cover=cover, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
