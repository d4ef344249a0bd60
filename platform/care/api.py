"""Workspaces, care-team membership and sharing grants. Thin views over policies and services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from care import policies, selectors, services
from care.serializers import (
    AccessLogEntrySerializer,
    MembershipSerializer,
    MembershipUpdateSerializer,
    SharingSerializer,
    WorkspaceSerializer,
)


class WorkspaceList(generics.ListAPIView):
    """The patient's own workspace; for a clinician, every workspace they are active in."""

    serializer_class = WorkspaceSerializer
    pagination_class = None

    def get_queryset(self):
        return policies.workspaces_for_user(self.request.user).select_related("patient")

    def list(self, request, *args, **kwargs):
        workspaces = list(self.get_queryset())
        shared = {}
        if request.user.is_clinician:
            shared = policies.shared_sections_by_workspace(request.user, [w.pk for w in workspaces])
            policies.list_read(
                user=request.user, workspaces=workspaces, section="caseload", via="api"
            )
        else:
            shared = {
                w.pk: [s.value for s in policies.shared_sections(request.user, w)]
                for w in workspaces
            }
        return Response(WorkspaceSerializer(workspaces, many=True, context={"shared": shared}).data)


class WorkspaceDetail(APIView):
    @extend_schema(responses=WorkspaceSerializer)
    def get(self, request, workspace_id):
        workspace = policies.workspace_read(
            user=request.user, workspace_id=workspace_id, section="overview", via="api"
        )
        shared = {
            workspace.pk: [s.value for s in policies.shared_sections(request.user, workspace)]
        }
        return Response(WorkspaceSerializer(workspace, context={"shared": shared}).data)


class MemberList(APIView):
    """The care team. Patients see every member with what each sees; a clinician sees the team."""

    @extend_schema(responses=MembershipSerializer(many=True))
    def get(self, request, workspace_id):
        workspace = policies.workspace_read(
            user=request.user, workspace_id=workspace_id, section="care_team", via="api"
        )
        members = selectors.memberships_for_workspace(workspace=workspace)
        if not policies.is_owner(request.user, workspace):
            for member in members:  # only the owner learns what others were shown
                if member.clinician_id != request.user.pk:
                    member.shared = frozenset()
        return Response(MembershipSerializer(members, many=True).data)


class MemberDetail(APIView):
    """The patient accepts (``status: active`` with ``sections``), declines (``status:
    declined``) or ends (``status: ended``) a membership. Only the owner may change it; everyone
    else gets 404. An ended or declined membership cannot be accepted (400)."""

    @extend_schema(request=MembershipUpdateSerializer, responses=MembershipSerializer)
    def patch(self, request, workspace_id, membership_id):
        membership = selectors.membership_for_owner(
            user=request.user, workspace_id=workspace_id, membership_id=membership_id
        )
        body = MembershipUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data["status"] == "active":
            services.membership_accept(
                membership=membership,
                by=request.user,
                sections=body.validated_data.get("sections", []),
            )
        elif body.validated_data["status"] == "declined":
            services.membership_decline(membership=membership, by=request.user)
        else:
            services.membership_end(membership=membership, by=request.user)
        return Response(MembershipSerializer(_reload(membership)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id, membership_id):
        membership = selectors.membership_for_owner(
            user=request.user, workspace_id=workspace_id, membership_id=membership_id
        )
        services.membership_end(membership=membership, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberSharing(APIView):
    """Exactly which sections one care-team member sees. PUT replaces the whole set."""

    @extend_schema(responses=SharingSerializer)
    def get(self, request, workspace_id, membership_id):
        membership = selectors.membership_for_owner(
            user=request.user, workspace_id=workspace_id, membership_id=membership_id
        )
        return Response({"sections": sorted(_reload(membership).shared)})

    @extend_schema(request=SharingSerializer, responses=SharingSerializer)
    def put(self, request, workspace_id, membership_id):
        membership = selectors.membership_for_owner(
            user=request.user, workspace_id=workspace_id, membership_id=membership_id
        )
        body = SharingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.sharing_update(
            membership=membership, sections=body.validated_data["sections"], by=request.user
        )
        return Response({"sections": sorted(_reload(membership).shared)})


class AccessLogPagination(CursorPagination):
    ordering = "-created_at"
    page_size = 50


class AccessLogList(generics.ListAPIView):
    """Who has seen my data: the owner only."""

    serializer_class = AccessLogEntrySerializer
    pagination_class = AccessLogPagination

    def get_queryset(self):
        workspace = policies.workspace_owned_by(self.request.user, self.kwargs["workspace_id"])
        return selectors.access_log_for_patient(workspace=workspace)


def _reload(membership):
    for member in selectors.memberships_for_workspace(
        workspace=membership.workspace, include_ended=True
    ):
        if member.pk == membership.pk:
            return member
    raise ValidationError("membership vanished")  # pragma: no cover - guarded by the row lock
