"""The measures API under /api/v1/. Thin: every view authorizes through care.policies, logs
clinician reads, and calls measures.services for writes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response as DRFResponse
from rest_framework.views import APIView

from care import policies
from care.courses import courses_of
from care.sections import Section
from config.openapi import VALIDATION_ERROR
from measures import fhir, selectors, services
from measures.definitions import instruments
from measures.models import Response, SafetyEvent
from measures.serializers import (
    AnswersSerializer,
    InstrumentSerializer,
    ReminderSerializer,
    ResponseSerializer,
    ResponseStartSerializer,
    ScheduleSerializer,
    TrendSerializer,
)


def _readable(request, workspace_id):
    """The workspace, if the user may read its measures (logged for clinicians)."""
    return policies.workspace_read(
        user=request.user, workspace_id=workspace_id, section=Section.MEASURES, via="api"
    )


def _drf_error(error: ValidationError) -> DRFValidationError:
    if hasattr(error, "error_dict"):
        return DRFValidationError(error.message_dict)
    return DRFValidationError({"detail": error.messages})


def _owner_only(request, workspace):
    if not policies.is_owner(request.user, workspace):
        raise PermissionDenied("Only the patient answers their own questionnaires.")


def _safety_ids(responses) -> set:
    return set(
        SafetyEvent.objects.filter(response__in=[r.pk for r in responses]).values_list(
            "response_id", flat=True
        )
    )


class InstrumentList(APIView):
    """The built-in questionnaires, with items, options, bands and sources."""

    @extend_schema(responses=InstrumentSerializer(many=True))
    def get(self, request):
        return DRFResponse(InstrumentSerializer(list(instruments().values()), many=True).data)


class ResponsePagination(CursorPagination):
    ordering = "-created_at"
    page_size = 50


class ResponseList(generics.GenericAPIView):
    serializer_class = ResponseSerializer
    pagination_class = ResponsePagination

    @extend_schema(operation_id="measures_responses_list", responses=ResponseSerializer(many=True))
    def get(self, request, workspace_id):
        workspace = _readable(request, workspace_id)
        page = self.paginate_queryset(selectors.responses_for_workspace(workspace))
        data = ResponseSerializer(page, many=True, context={"safety_ids": _safety_ids(page)}).data
        return self.get_paginated_response(data)

    @extend_schema(request=ResponseStartSerializer, responses={201: ResponseSerializer})
    def post(self, request, workspace_id):
        """Start a questionnaire, or resume the unfinished one (the patient only)."""
        workspace = policies.workspace_for_change(
            user=request.user, workspace_id=workspace_id, section=Section.MEASURES
        )
        body = ResponseStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _owner_only(request, workspace)
        try:
            response = services.response_start(
                workspace=workspace, instrument=body.validated_data["instrument"], by=request.user
            )
        except ValidationError as error:
            raise _drf_error(error) from None
        return DRFResponse(ResponseSerializer(response).data, status=status.HTTP_201_CREATED)


def _response_or_404(workspace, response_id) -> Response:
    try:
        return selectors.response_for_workspace(workspace, response_id)
    except Response.DoesNotExist:
        raise Http404 from None


class ResponseDetail(APIView):
    @extend_schema(responses=ResponseSerializer)
    def get(self, request, workspace_id, response_id):
        workspace = _readable(request, workspace_id)
        response = _response_or_404(workspace, response_id)
        return DRFResponse(
            ResponseSerializer(response, context={"safety_ids": _safety_ids([response])}).data
        )

    @extend_schema(request=AnswersSerializer, responses=ResponseSerializer)
    def patch(self, request, workspace_id, response_id):
        """Save answers as the patient goes. ``safety_raised`` true means: show the support
        page now (``/me/measures/support/``)."""
        workspace = policies.workspace_for_change(
            user=request.user, workspace_id=workspace_id, section=Section.MEASURES
        )
        body = AnswersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _owner_only(request, workspace)
        response = _response_or_404(workspace, response_id)
        try:
            result = services.response_save_answers(
                response=response, answers=body.validated_data["answers"], by=request.user
            )
        except ValidationError as error:
            raise _drf_error(error) from None
        safety = {result.response.pk} if result.needs_safety_page else set()
        return DRFResponse(ResponseSerializer(result.response, context={"safety_ids": safety}).data)


class ResponseComplete(APIView):
    @extend_schema(request=None, responses={200: ResponseSerializer, 400: VALIDATION_ERROR})
    def post(self, request, workspace_id, response_id):
        """Finish with the answers saved so far; 400 (nothing changed) while any is missing."""
        workspace = policies.workspace_owned_by(request.user, workspace_id)
        response = _response_or_404(workspace, response_id)
        try:
            response = services.response_complete(response=response, by=request.user)
        except ValidationError as error:
            raise _drf_error(error) from None
        return DRFResponse(
            ResponseSerializer(response, context={"safety_ids": _safety_ids([response])}).data
        )


class TrendList(APIView):
    """Every instrument's scores over time, with change since the first score and whether it
    is a reliable change."""

    @extend_schema(responses=TrendSerializer(many=True))
    def get(self, request, workspace_id):
        workspace = _readable(request, workspace_id)
        return DRFResponse(
            TrendSerializer(selectors.trends_for_workspace(workspace), many=True).data
        )


class ScheduleList(APIView):
    @extend_schema(responses=ScheduleSerializer(many=True))
    def get(self, request, workspace_id):
        workspace = _readable(request, workspace_id)
        return DRFResponse(
            ScheduleSerializer(selectors.schedules_for_workspace(workspace), many=True).data
        )

    @extend_schema(request=ScheduleSerializer, responses=ScheduleSerializer)
    def put(self, request, workspace_id):
        """Create or replace the schedule of one instrument."""
        workspace = policies.workspace_for_change(
            user=request.user, workspace_id=workspace_id, section=Section.MEASURES
        )
        body = ScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            schedule = services.schedule_set(
                workspace=workspace, by=request.user, **body.validated_data
            )
        except ValidationError as error:
            raise _drf_error(error) from None
        return DRFResponse(ScheduleSerializer(schedule).data)


class ReminderPagination(CursorPagination):
    ordering = "-scheduled_at"
    page_size = 50


class ReminderList(generics.GenericAPIView):
    """The reminder delivery log: scheduled, sent, opened, completed."""

    serializer_class = ReminderSerializer
    pagination_class = ReminderPagination

    @extend_schema(operation_id="measures_reminders_list", responses=ReminderSerializer(many=True))
    def get(self, request, workspace_id):
        workspace = _readable(request, workspace_id)
        page = self.paginate_queryset(selectors.reminders_for_workspace(workspace))
        return self.get_paginated_response(ReminderSerializer(page, many=True).data)


class FhirExport(APIView):
    """Every response and score as a FHIR (R4B) collection Bundle of QuestionnaireResponse and
    Observation resources, validated with ``fhir.resources``."""

    @extend_schema(responses={200: dict})
    def get(self, request, workspace_id):
        workspace = _readable(request, workspace_id)
        responses = selectors.responses_for_workspace(workspace).select_related("workspace")
        courses = courses_of(workspace)
        return DRFResponse(fhir.bundle(responses, instruments(), courses=courses))
