"""API for the clinician support layer: caseload, alerts, review cadence and reviews.

Thin views over ``alerts.policies``, ``alerts.services`` and ``clinician_app.caseload``; every
read of patient data is written to the access log (``via="api"``).
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts import selectors as alert_selectors
from alerts import services as alert_services
from alerts.models import Alert, CareCadence, Review
from alerts.policies import alert_for_user, alert_read, alerts_visible_to
from care import policies
from clinician_app.alerts.serializers import (
    AlertSerializer,
    CadenceSerializer,
    CaseloadRowSerializer,
    ResolveSerializer,
    ReviewSerializer,
)
from clinician_app.caseload import FILTERS, SORTS, caseload_entries, caseload_rows
from clinician_app.caseload import PAGE_SIZE as CASELOAD_PAGE_SIZE
from config.openapi import ERROR


class IsClinician(BasePermission):
    """Signed in as a GP or therapist; others get a clear 403 (401 when signed out)."""

    message = _("This is for GPs and therapists.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_clinician)


CLINICIAN_ONLY = [IsAuthenticated, IsClinician]


class CaseloadPagination(PageNumberPagination):
    """Pages of the caseload (``?page=2``): the order is over every patient, so page 1 holds
    those who need attention most. A page that does not exist is a 404."""

    page_size = CASELOAD_PAGE_SIZE


class CaseloadView(APIView):
    permission_classes = CLINICIAN_ONLY
    pagination_class = CaseloadPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("show", str, enum=list(FILTERS)),
            OpenApiParameter("sort", str, enum=list(SORTS)),
            OpenApiParameter("page", int),
        ],
        responses=CaseloadRowSerializer(many=True),
    )
    def get(self, request):
        """Active patients, needs attention first, a page at a time (``count``, ``next``,
        ``previous``, ``results``). Unknown filter values are ignored."""
        show = request.query_params.get("show")
        sort = request.query_params.get("sort")
        now = timezone.now()
        entries = caseload_entries(
            clinician=request.user,
            show=show if show in FILTERS else "all",
            sort=sort if sort in SORTS else "attention",
            now=now,
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(entries, request, view=self)
        shown, _columns = caseload_rows(page, clinician=request.user, now=now)
        policies.list_read(
            user=request.user,
            workspaces=[r.workspace for r in shown],
            section="caseload",
            via="api",
        )
        return paginator.get_paginated_response(CaseloadRowSerializer(shown, many=True).data)


class AlertPagination(CursorPagination):
    ordering = "-created_at"
    page_size = 50


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("status", str, enum=["open", "resolved"], default="open")]
    )
)
class AlertList(generics.ListAPIView):
    """The alerts this clinician may see; ``?status=open`` (default) or ``resolved``."""

    permission_classes = CLINICIAN_ONLY

    serializer_class = AlertSerializer
    pagination_class = AlertPagination

    def get_queryset(self):
        qs = alerts_visible_to(self.request.user).select_related(
            "workspace__patient", "acknowledged_by", "resolved_by"
        )
        if self.request.query_params.get("status") == "resolved":
            return qs.filter(status=Alert.Status.RESOLVED)
        return qs.filter(status__in=Alert.UNRESOLVED)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        ids = {row["workspace"] for row in response.data["results"]}
        workspaces = policies.workspaces_for_user(request.user).filter(pk__in=ids)
        policies.list_read(user=request.user, workspaces=workspaces, section="alerts", via="api")
        return response


def _read(request, alert_id) -> Alert:
    return alert_read(request.user, alert_id, via="api")


class AlertDetail(APIView):
    permission_classes = CLINICIAN_ONLY

    @extend_schema(responses=AlertSerializer)
    def get(self, request, alert_id):
        return Response(AlertSerializer(_read(request, alert_id)).data)


class AlertAcknowledge(APIView):
    permission_classes = CLINICIAN_ONLY

    @extend_schema(request=None, responses={200: AlertSerializer, 409: ERROR})
    def post(self, request, alert_id):
        alert = alert_for_user(request.user, alert_id)
        try:
            alert = alert_services.alert_acknowledge(alert=alert, by=request.user)
        except alert_services.AlertConflict as conflict:
            return Response({"detail": str(conflict)}, status=status.HTTP_409_CONFLICT)
        return Response(AlertSerializer(alert).data)


class AlertResolve(APIView):
    permission_classes = CLINICIAN_ONLY

    @extend_schema(request=ResolveSerializer, responses={200: AlertSerializer, 409: ERROR})
    def post(self, request, alert_id):
        alert = alert_for_user(request.user, alert_id)
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            alert = alert_services.alert_resolve(
                alert=alert, by=request.user, note=serializer.validated_data["note"]
            )
        except alert_services.AlertConflict as conflict:
            return Response({"detail": str(conflict)}, status=status.HTTP_409_CONFLICT)
        return Response(AlertSerializer(alert).data)


def _my_membership(request, workspace_id):
    workspace = policies.workspace_for_user(request.user, workspace_id)
    membership = policies.active_membership(request.user, workspace)
    if membership is None:
        raise Http404
    return membership


class CadenceView(APIView):
    """The requesting clinician's own cadence with this patient."""

    permission_classes = CLINICIAN_ONLY

    @extend_schema(responses=CadenceSerializer)
    def get(self, request, workspace_id):
        membership = _my_membership(request, workspace_id)
        cadence = CareCadence.objects.filter(membership=membership).first() or CareCadence()
        return Response(CadenceSerializer(cadence).data)

    @extend_schema(request=CadenceSerializer, responses=CadenceSerializer)
    def put(self, request, workspace_id):
        membership = _my_membership(request, workspace_id)
        serializer = CadenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cadence = alert_services.cadence_update(
            membership=membership, by=request.user, **serializer.validated_data
        )
        return Response(CadenceSerializer(cadence).data)


class ReviewList(APIView):
    """The requesting clinician's reviews of this patient; POST records one."""

    permission_classes = CLINICIAN_ONLY

    @extend_schema(responses=ReviewSerializer(many=True))
    def get(self, request, workspace_id):
        membership = _my_membership(request, workspace_id)
        reviews = alert_selectors.reviews_for_membership(membership=membership, limit=100)
        return Response(ReviewSerializer(reviews, many=True).data)

    @extend_schema(request=ReviewSerializer, responses={201: ReviewSerializer})
    def post(self, request, workspace_id):
        membership = _my_membership(request, workspace_id)
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review: Review = alert_services.review_record(
            membership=membership, by=request.user, **serializer.validated_data
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)
