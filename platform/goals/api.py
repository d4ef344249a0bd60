"""Goal ladders, steps, proposals, comments, history, habits and check marks. Thin views.

Order of checks in every view: may this user see the section (404 outside the care team, 403
"not shared"), is the body well-formed (400), may this user make this change (403: only the
patient edits directly; the care team proposes). A stale ``version`` or an answered proposal is
409 Conflict. Clinician reads are written to the patient's access log.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from care import policies
from care.sections import Section
from config.openapi import ERROR, VALIDATION_ERROR
from goals import selectors, services
from goals.models import Proposal
from goals.serializers import (
    CheckListSerializer,
    CheckSerializer,
    CommentCreateSerializer,
    CommentSerializer,
    HabitCreateSerializer,
    HabitDetailSerializer,
    HabitSerializer,
    HistorySerializer,
    LadderCreateSerializer,
    LadderSerializer,
    LadderUpdateSerializer,
    ProposalAnswerSerializer,
    ProposalCreateSerializer,
    ProposalSerializer,
    StepCreateSerializer,
    StepOrderSerializer,
    StepSerializer,
    StepUpdateSerializer,
)


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class GoalsView(APIView):
    section = Section.GOALS

    def handle_exception(self, exc):
        if isinstance(exc, services.Conflict):
            exc = ConflictError(exc.message)
        return super().handle_exception(exc)

    def workspace(self, *, log: bool = True):
        user, workspace_id = self.request.user, self.kwargs["workspace_id"]
        if log and self.request.method == "GET":
            return policies.workspace_read(
                user=user, workspace_id=workspace_id, section=self.section, via="api"
            )
        workspace = policies.workspace_for_change(
            user=user, workspace_id=workspace_id, section=self.section
        )
        return workspace

    @staticmethod
    def valid(serializer_class, data, **kwargs):
        body = serializer_class(data=data, **kwargs)
        body.is_valid(raise_exception=True)
        return body.validated_data


class HistoryPagination(CursorPagination):
    ordering = ("-created_at", "-ladder_version")
    page_size = 50


class CommentPagination(CursorPagination):
    ordering = "created_at"
    page_size = 50


class CheckPagination(CursorPagination):
    ordering = "-day"
    page_size = 100


# --- ladders ---------------------------------------------------------------------------------


class LadderList(GoalsView):
    @extend_schema(
        responses=LadderSerializer(many=True),
        parameters=[OpenApiParameter("archived", bool, description="Include archived goals.")],
    )
    def get(self, request, workspace_id):
        workspace = self.workspace()
        ladders = selectors.ladders_for_workspace(
            workspace=workspace, include_archived=request.query_params.get("archived") == "true"
        )
        return Response(LadderSerializer(ladders, many=True).data)

    @extend_schema(request=LadderCreateSerializer, responses={201: LadderSerializer})
    def post(self, request, workspace_id):
        workspace = self.workspace()
        data = self.valid(LadderCreateSerializer, request.data)
        ladder = services.ladder_create(workspace=workspace, by=request.user, **data)
        return Response(LadderSerializer(_ladder(workspace, ladder.pk)).data, status=201)


def _ladder(workspace, ladder_id):
    for ladder in selectors.ladders_for_workspace(workspace=workspace, include_archived=True):
        if ladder.pk == ladder_id:
            return ladder
    raise exceptions.NotFound


class LadderDetail(GoalsView):
    @extend_schema(responses=LadderSerializer)
    def get(self, request, workspace_id, ladder_id):
        workspace = self.workspace()
        ladder = selectors.ladder_get(workspace=workspace, ladder_id=ladder_id)
        return Response(LadderSerializer(_ladder(workspace, ladder.pk)).data)

    @extend_schema(request=LadderUpdateSerializer, responses={200: LadderSerializer, 409: ERROR})
    def patch(self, request, workspace_id, ladder_id):
        workspace = self.workspace()
        ladder = selectors.ladder_get(workspace=workspace, ladder_id=ladder_id)
        data = dict(self.valid(LadderUpdateSerializer, request.data))
        archived = data.pop("archived", None)
        version = data.pop("version")
        ladder = services.ladder_update(ladder=ladder, by=request.user, version=version, **data)
        if archived is not None:
            services.ladder_archive(ladder=ladder, by=request.user, archived=archived)
        return Response(LadderSerializer(_ladder(workspace, ladder.pk)).data)


# --- steps -----------------------------------------------------------------------------------


class StepList(GoalsView):
    @extend_schema(responses=StepSerializer(many=True))
    def get(self, request, workspace_id, ladder_id):
        ladder = selectors.ladder_get(workspace=self.workspace(), ladder_id=ladder_id)
        return Response(StepSerializer(selectors.steps_for_ladder(ladder=ladder), many=True).data)

    @extend_schema(request=StepCreateSerializer, responses={201: StepSerializer})
    def post(self, request, workspace_id, ladder_id):
        ladder = selectors.ladder_get(workspace=self.workspace(), ladder_id=ladder_id)
        data = self.valid(StepCreateSerializer, request.data)
        step = services.step_add(ladder=ladder, by=request.user, **data)
        return Response(StepSerializer(step).data, status=201)


class StepOrder(GoalsView):
    @extend_schema(request=StepOrderSerializer, responses=StepSerializer(many=True))
    def put(self, request, workspace_id, ladder_id):
        ladder = selectors.ladder_get(workspace=self.workspace(), ladder_id=ladder_id)
        data = self.valid(StepOrderSerializer, request.data)
        steps = services.step_reorder(ladder=ladder, by=request.user, step_ids=data["step_ids"])
        return Response(StepSerializer(steps, many=True).data)


class StepDetail(GoalsView):
    @extend_schema(responses=StepSerializer)
    def get(self, request, workspace_id, step_id):
        step = selectors.step_get(workspace=self.workspace(), step_id=step_id)
        return Response(StepSerializer(step).data)

    @extend_schema(request=StepUpdateSerializer, responses={200: StepSerializer, 409: ERROR})
    def patch(self, request, workspace_id, step_id):
        step = selectors.step_get(workspace=self.workspace(), step_id=step_id)
        data = dict(self.valid(StepUpdateSerializer, request.data))
        version = data.pop("version")
        step = services.step_update(step=step, by=request.user, version=version, **data)
        step.refresh_from_db()
        return Response(StepSerializer(step).data)


# --- proposals -------------------------------------------------------------------------------


class ProposalList(GoalsView):
    @extend_schema(
        responses={200: ProposalSerializer(many=True), 400: VALIDATION_ERROR},
        parameters=[OpenApiParameter("status", str, enum=Proposal.Status.values)],
    )
    def get(self, request, workspace_id):
        workspace = self.workspace()
        qs = selectors.proposals_for_workspace(workspace=workspace)
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in Proposal.Status.values:
                raise exceptions.ValidationError({"status": _("Unknown status.")})
            qs = qs.filter(status=wanted)
        return Response(ProposalSerializer(qs[:200], many=True).data)

    @extend_schema(request=ProposalCreateSerializer, responses={201: ProposalSerializer})
    def post(self, request, workspace_id):
        workspace = self.workspace()
        data = self.valid(ProposalCreateSerializer, request.data)
        ladder = step = None
        if data.get("ladder"):
            ladder = _or_400(selectors.ladder_get, workspace=workspace, ladder_id=data["ladder"])
        if data.get("step"):
            step = _or_400(selectors.step_get, workspace=workspace, step_id=data["step"])
        proposal = services.proposal_create(
            workspace=workspace,
            by=request.user,
            kind=data["kind"],
            ladder=ladder,
            step=step,
            payload=data["payload"],
            note=data.get("note", ""),
        )
        return Response(ProposalSerializer(proposal).data, status=201)


def _or_400(getter, **kwargs):
    """An id in a body that is not in this workspace is a bad request, never someone else's."""
    try:
        return getter(**kwargs)
    except Http404:
        name = next(k for k in kwargs if k.endswith("_id")).removesuffix("_id")
        raise exceptions.ValidationError({name: _("Not found in this workspace.")}) from None


class ProposalDetail(GoalsView):
    @extend_schema(responses=ProposalSerializer)
    def get(self, request, workspace_id, proposal_id):
        proposal = selectors.proposal_get(workspace=self.workspace(), proposal_id=proposal_id)
        return Response(ProposalSerializer(proposal).data)


class ProposalAnswer(GoalsView):
    @extend_schema(
        request=ProposalAnswerSerializer, responses={200: ProposalSerializer, 409: ERROR}
    )
    def post(self, request, workspace_id, proposal_id):
        workspace = self.workspace()
        proposal = selectors.proposal_get(workspace=workspace, proposal_id=proposal_id)
        data = self.valid(ProposalAnswerSerializer, request.data)
        if data["decision"] == "withdraw":
            services.proposal_withdraw(proposal=proposal, by=request.user)
        else:
            services.proposal_answer(
                proposal=proposal,
                by=request.user,
                decision=data["decision"],
                changes=data.get("changes"),
            )
        proposal = selectors.proposal_get(workspace=workspace, proposal_id=proposal_id)
        return Response(ProposalSerializer(proposal).data)


# --- comments and history --------------------------------------------------------------------


class CommentList(GoalsView):
    pagination_class = CommentPagination

    @extend_schema(responses=CommentSerializer(many=True))
    def get(self, request, workspace_id, ladder_id):
        ladder = selectors.ladder_get(workspace=self.workspace(), ladder_id=ladder_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.comments_for_ladder(ladder=ladder), request, view=self
        )
        return paginator.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(request=CommentCreateSerializer, responses={201: CommentSerializer})
    def post(self, request, workspace_id, ladder_id):
        ladder = selectors.ladder_get(workspace=self.workspace(), ladder_id=ladder_id)
        data = self.valid(CommentCreateSerializer, request.data)
        comment = services.comment_add(ladder=ladder, by=request.user, body=data["body"])
        return Response(CommentSerializer(comment).data, status=201)


class HistoryList(GoalsView):
    pagination_class = HistoryPagination

    @extend_schema(responses=HistorySerializer(many=True))
    def get(self, request, workspace_id, ladder_id):
        ladder = selectors.ladder_get(workspace=self.workspace(), ladder_id=ladder_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.history_for_ladder(ladder=ladder), request, view=self
        )
        return paginator.get_paginated_response(HistorySerializer(page, many=True).data)


# --- habits ----------------------------------------------------------------------------------


class HabitList(GoalsView):
    section = Section.HABITS

    @extend_schema(responses=HabitSerializer(many=True))
    def get(self, request, workspace_id):
        views = selectors.habit_views(workspace=self.workspace())
        return Response(HabitSerializer(views, many=True).data)

    @extend_schema(request=HabitCreateSerializer, responses={201: HabitDetailSerializer})
    def post(self, request, workspace_id):
        workspace = self.workspace()
        data = dict(self.valid(HabitCreateSerializer, request.data))
        step_id = data.pop("source_step", None)
        if step_id:
            data["source_step"] = _or_400(selectors.step_get, workspace=workspace, step_id=step_id)
        habit = services.habit_create(workspace=workspace, by=request.user, **data)
        habit = selectors.habit_get(workspace=workspace, habit_id=habit.pk)
        return Response(HabitDetailSerializer(selectors.habit_view(habit=habit)).data, status=201)


class HabitDetail(GoalsView):
    section = Section.HABITS

    @extend_schema(responses=HabitDetailSerializer)
    def get(self, request, workspace_id, habit_id):
        habit = selectors.habit_get(workspace=self.workspace(), habit_id=habit_id)
        return Response(HabitDetailSerializer(selectors.habit_view(habit=habit)).data)


class CheckList(GoalsView):
    section = Section.HABITS
    pagination_class = CheckPagination

    @extend_schema(responses=CheckListSerializer(many=True))
    def get(self, request, workspace_id, habit_id):
        habit = selectors.habit_get(workspace=self.workspace(), habit_id=habit_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(habit.checks.all(), request, view=self)
        return paginator.get_paginated_response(CheckListSerializer(page, many=True).data)

    @extend_schema(
        request=CheckSerializer,
        responses=HabitDetailSerializer,
        description="Mark (done: true) or unmark (done: false) today or yesterday. Idempotent.",
    )
    def post(self, request, workspace_id, habit_id):
        workspace = self.workspace()
        habit = selectors.habit_get(workspace=workspace, habit_id=habit_id)
        data = self.valid(CheckSerializer, request.data)
        services.habit_check_set(habit=habit, by=request.user, day=data["day"], done=data["done"])
        habit = selectors.habit_get(workspace=workspace, habit_id=habit_id)
        return Response(HabitDetailSerializer(selectors.habit_view(habit=habit)).data)
