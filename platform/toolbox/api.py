"""The toolbox API, under ``/api/v1/workspaces/<id>/``. Thin views over selectors and services.

Reads (``GET``) are open to the owner and to care-team members the section is shared with
(403 "not shared" to other members, 404 to everyone else); each clinician read is logged.
Writes are the owner's alone (404 to everyone else), except a crisis-plan suggestion, which a
member with the crisis plan shared may send.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from care import policies
from care.sections import Section
from toolbox import selectors, services
from toolbox.serializers import (
    CheckInSerializer,
    CheckInWriteSerializer,
    CrisisItemSerializer,
    CrisisItemWriteSerializer,
    CrisisPlanSerializer,
    DecisionSerializer,
    JournalEntrySerializer,
    NetworkContactSerializer,
    PrivacySerializer,
    SuggestionSerializer,
)


def _read(request, workspace_id, section: Section):
    return policies.workspace_read(
        user=request.user, workspace_id=workspace_id, section=section, via="api"
    )


def _valid(serializer_class, request, **kwargs):
    body = serializer_class(data=request.data, **kwargs)
    body.is_valid(raise_exception=True)
    return body.validated_data


# --- check-ins -------------------------------------------------------------------------------


class CheckInPagination(CursorPagination):
    ordering = "-day"
    page_size = 50


class CheckInList(generics.ListAPIView):
    """Check-ins, newest first. Members never receive entries the patient marked private."""

    serializer_class = CheckInSerializer
    pagination_class = CheckInPagination

    def get_queryset(self):
        workspace = _read(self.request, self.kwargs["workspace_id"], Section.CHECKINS)
        return selectors.checkins_for_viewer(user=self.request.user, workspace=workspace)


class CheckInSave(APIView):
    """Create or replace the check-in of one day (the patient's local today, or up to a week
    back). 201 when created, 200 when replaced."""

    @extend_schema(
        request=CheckInWriteSerializer, responses={200: CheckInSerializer, 201: CheckInSerializer}
    )
    def post(self, request, workspace_id):
        workspace = policies.workspace_owned_by(request.user, workspace_id)
        data = _valid(CheckInWriteSerializer, request)
        checkin, created = services.checkin_save(workspace=workspace, by=request.user, **data)
        return Response(
            CheckInSerializer(checkin).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CheckInPrivacy(APIView):
    """Mark one entry private, or visible again."""

    @extend_schema(request=PrivacySerializer, responses=CheckInSerializer)
    def patch(self, request, workspace_id, checkin_id):
        workspace = policies.workspace_owned_by(request.user, workspace_id)
        checkin = selectors.checkin_for_owner(
            user=request.user, checkin_id=checkin_id, workspace=workspace
        )
        data = _valid(PrivacySerializer, request)
        services.checkin_set_private(checkin=checkin, by=request.user, private=data["private"])
        return Response(CheckInSerializer(checkin).data)


# --- crisis plan -----------------------------------------------------------------------------


class CrisisPlanDetail(APIView):
    """The whole plan: the patient's items, the organisations' emergency numbers and pending
    suggestions (all of them for the patient; a member's own for a member)."""

    @extend_schema(responses=CrisisPlanSerializer)
    def get(self, request, workspace_id):
        workspace = _read(request, workspace_id, Section.CRISIS_PLAN)
        plan = selectors.crisis_plan_for_viewer(user=request.user, workspace=workspace)
        return Response(
            CrisisPlanSerializer(
                {
                    "items": [item for part in plan.parts for item in part.items],
                    "default_numbers": plan.default_numbers,
                    "suggestions": plan.suggestions,
                }
            ).data
        )


class CrisisItemCreate(APIView):
    @extend_schema(request=CrisisItemWriteSerializer, responses={201: CrisisItemSerializer})
    def post(self, request, workspace_id):
        workspace = policies.workspace_owned_by(request.user, workspace_id)
        data = _valid(CrisisItemWriteSerializer, request)
        item = services.crisis_item_add(workspace=workspace, by=request.user, **data)
        return Response(CrisisItemSerializer(item).data, status=status.HTTP_201_CREATED)


class CrisisItemDetail(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id, item_id):
        workspace = policies.workspace_owned_by(request.user, workspace_id)
        item = selectors.crisis_item_for_owner(
            user=request.user, item_id=item_id, workspace=workspace
        )
        services.crisis_item_remove(item=item, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CrisisSuggestionCreate(APIView):
    """A care-team member with the crisis plan shared suggests an addition."""

    @extend_schema(request=CrisisItemWriteSerializer, responses={201: SuggestionSerializer})
    def post(self, request, workspace_id):
        workspace = policies.workspace_for_change(
            user=request.user, workspace_id=workspace_id, section=Section.CRISIS_PLAN
        )
        data = _valid(CrisisItemWriteSerializer, request)
        suggestion = services.crisis_suggestion_create(workspace=workspace, by=request.user, **data)
        return Response(SuggestionSerializer(suggestion).data, status=status.HTTP_201_CREATED)


class CrisisSuggestionDecide(APIView):
    """The patient accepts or declines a suggestion."""

    @extend_schema(request=DecisionSerializer, responses=SuggestionSerializer)
    def post(self, request, workspace_id, suggestion_id):
        workspace = policies.workspace_owned_by(request.user, workspace_id)
        suggestion = selectors.suggestion_for_owner(
            user=request.user, suggestion_id=suggestion_id, workspace=workspace
        )
        data = _valid(DecisionSerializer, request)
        suggestion = services.crisis_suggestion_decide(
            suggestion=suggestion, by=request.user, accept=data["decision"] == "accept"
        )
        return Response(SuggestionSerializer(suggestion).data)


# --- network map -----------------------------------------------------------------------------


class NetworkList(APIView):
    @extend_schema(responses=NetworkContactSerializer(many=True))
    def get(self, request, workspace_id):
        workspace = _read(request, workspace_id, Section.NETWORK_MAP)
        contacts = selectors.network_for_viewer(user=request.user, workspace=workspace)
        return Response(NetworkContactSerializer(contacts, many=True).data)


class NetworkContactCreate(APIView):
    @extend_schema(request=NetworkContactSerializer, responses={201: NetworkContactSerializer})
    def post(self, request, workspace_id):
        workspace = policies.workspace_owned_by(request.user, workspace_id)
        data = _valid(NetworkContactSerializer, request)
        contact = services.network_contact_save(workspace=workspace, by=request.user, **data)
        return Response(NetworkContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class NetworkContactDetail(APIView):
    def _contact(self, request, workspace_id, contact_id):
        workspace = policies.workspace_owned_by(request.user, workspace_id)
        return selectors.network_contact_for_owner(
            user=request.user, contact_id=contact_id, workspace=workspace
        )

    @extend_schema(request=NetworkContactSerializer, responses=NetworkContactSerializer)
    def patch(self, request, workspace_id, contact_id):
        contact = self._contact(request, workspace_id, contact_id)
        data = _valid(NetworkContactSerializer, request, partial=True)
        if not data:
            raise ValidationError({"detail": ["Nothing to change."]})
        services.network_contact_save(
            workspace=contact.workspace, by=request.user, contact=contact, **data
        )
        return Response(NetworkContactSerializer(contact).data)

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id, contact_id):
        contact = self._contact(request, workspace_id, contact_id)
        services.network_contact_remove(contact=contact, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- journal ---------------------------------------------------------------------------------


class JournalPagination(CursorPagination):
    ordering = "-created_at"
    page_size = 50


class JournalList(generics.ListAPIView):
    """The owner's journal; for a member with the journal shared, the entries marked shared."""

    serializer_class = JournalEntrySerializer
    pagination_class = JournalPagination

    def get_queryset(self):
        workspace = _read(self.request, self.kwargs["workspace_id"], Section.JOURNAL)
        return selectors.journal_for_viewer(user=self.request.user, workspace=workspace)


class JournalEntryCreate(APIView):
    @extend_schema(request=JournalEntrySerializer, responses={201: JournalEntrySerializer})
    def post(self, request, workspace_id):
        workspace = policies.workspace_owned_by(request.user, workspace_id)
        data = _valid(JournalEntrySerializer, request)
        entry = services.journal_entry_save(workspace=workspace, by=request.user, **data)
        return Response(JournalEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class JournalEntryDetail(APIView):
    def _entry(self, request, workspace_id, entry_id):
        workspace = policies.workspace_owned_by(request.user, workspace_id)
        return selectors.journal_entry_for_owner(
            user=request.user, entry_id=entry_id, workspace=workspace
        )

    @extend_schema(request=JournalEntrySerializer, responses=JournalEntrySerializer)
    def patch(self, request, workspace_id, entry_id):
        entry = self._entry(request, workspace_id, entry_id)
        data = _valid(JournalEntrySerializer, request, partial=True)
        if not data:
            raise ValidationError({"detail": ["Nothing to change."]})
        values = {
            "title": entry.title,
            "body": entry.body,
            "shared": entry.shared,
            "for_relatives": entry.for_relatives,
        } | data
        services.journal_entry_save(
            workspace=entry.workspace, by=request.user, entry=entry, **values
        )
        return Response(JournalEntrySerializer(entry).data)

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id, entry_id):
        entry = self._entry(request, workspace_id, entry_id)
        services.journal_entry_remove(entry=entry, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
