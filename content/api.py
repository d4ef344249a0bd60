"""Programme content (any signed-in user: it is not patient data) and a patient's progress and
answers (the owner, and care-team members the section is shared with; every read logged)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from care import policies
from care.sections import Section
from content import selectors, services
from content.loader import MEDIA_TYPES
from content.models import Enrolment, Exercise, ExerciseAnswer, MediaAsset, Module, Page, Programme
from content.serializers import (
    AnswerSaveSerializer,
    AnswerSerializer,
    EnrolmentCreateSerializer,
    EnrolmentSerializer,
    ExerciseSerializer,
    FeedbackSerializer,
    PageProgressUpdateSerializer,
    PageSerializer,
    PrescriptionSerializer,
    ProgrammeDetailSerializer,
    ProgrammeSerializer,
    ProgressSerializer,
)


def _get(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


# --- content -----------------------------------------------------------------------------------


class ProgrammeList(generics.ListAPIView):
    serializer_class = ProgrammeSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.programmes_published()


class ProgrammeDetail(APIView):
    @extend_schema(responses=ProgrammeDetailSerializer)
    def get(self, request, programme_id):
        programme = _get(selectors.programmes_published(), pk=programme_id)
        modules = selectors.modules_with_pages(programme)
        return Response(ProgrammeDetailSerializer(programme, context={"modules": modules}).data)


class PageDetail(APIView):
    @extend_schema(responses=PageSerializer)
    def get(self, request, page_id):
        try:
            page = selectors.page_get(page_id)
        except (Page.DoesNotExist, ValidationError):
            raise Http404 from None
        exercises = list(selectors.exercises_for_page(page).values())
        return Response(PageSerializer(page, context={"exercises": exercises}).data)


class ExerciseList(generics.ListAPIView):
    serializer_class = ExerciseSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.exercises_library()


class ExerciseDetail(APIView):
    @extend_schema(responses=ExerciseSerializer)
    def get(self, request, exercise_id):
        try:
            exercise = selectors.exercise_get(exercise_id)
        except (Exercise.DoesNotExist, ValidationError):
            raise Http404 from None
        return Response(ExerciseSerializer(exercise).data)


class ProgrammeMedia(APIView):
    """An illustration or recording of a published programme, as the file itself."""

    @extend_schema(
        responses={(200, kind): OpenApiTypes.BINARY for kind in sorted(set(MEDIA_TYPES.values()))}
    )
    def get(self, request, programme_id, name):
        asset = _get(
            MediaAsset.objects.filter(programme__published=True),
            programme_id=programme_id,
            name=name,
        )
        response = HttpResponse(bytes(asset.data), content_type=asset.content_type)
        response["Content-Disposition"] = "inline"
        response["X-Content-Type-Options"] = "nosniff"
        # An SVG opened on its own may not run anything.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        )
        return response


# --- the patient's progress and answers --------------------------------------------------------


def _section_read(request, workspace_id, section: Section):
    return policies.workspace_read(
        user=request.user, workspace_id=workspace_id, section=section, via="api"
    )


class ProgressList(APIView):
    """Each programme in the workspace with every module's state and every page's progress."""

    @extend_schema(responses=ProgressSerializer(many=True))
    def get(self, request, workspace_id):
        workspace = _section_read(request, workspace_id, Section.PROGRESS)
        rows = []
        for enrolment in selectors.enrolments_for_workspace(workspace):
            progress = selectors.programme_progress(enrolment.programme, enrolment)
            rows.append(
                {"enrolment": enrolment, "percent": progress.percent, "modules": progress.modules}
            )
        return Response(ProgressSerializer(rows, many=True).data)


class AnswerList(APIView):
    """Exercise answers. Care-team members see submitted answers only: drafts stay private."""

    @extend_schema(responses=AnswerSerializer(many=True))
    def get(self, request, workspace_id):
        workspace = _section_read(request, workspace_id, Section.JOURNAL)
        owner = policies.is_owner(request.user, workspace)
        answers = selectors.answers_for_workspace(workspace, submitted_only=not owner)
        return Response(AnswerSerializer(answers, many=True).data)


def _enrolment_for_owner(request, workspace_id, programme: Programme) -> Enrolment:
    workspace = policies.workspace_owned_by(request.user, workspace_id)
    enrolment = selectors.enrolment_for(workspace, programme)
    if enrolment is None:
        enrolment = services.enrolment_start(
            workspace=workspace, programme=programme, by=request.user
        )
    return enrolment


class AnswerSave(APIView):
    """The patient saves an answer: ``submit: false`` for a draft while typing (the autosave),
    ``true`` to save it. A refused answer leaves the stored one as it was."""

    @extend_schema(request=AnswerSaveSerializer, responses=AnswerSerializer)
    def put(self, request, workspace_id, exercise_id):
        policies.workspace_owned_by(request.user, workspace_id)
        body = AnswerSaveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        exercise = _get(
            Exercise.objects.filter(retired=False, programme__published=True).select_related(
                "programme"
            ),
            pk=exercise_id,
        )
        page = None
        if body.validated_data.get("page"):
            page = _get(
                Page.objects.filter(retired=False, module__programme=exercise.programme),
                pk=body.validated_data["page"],
            )
        enrolment = _enrolment_for_owner(request, workspace_id, exercise.programme)
        answer = services.answer_save(
            enrolment=enrolment,
            exercise=exercise,
            data=body.validated_data["data"],
            submit=body.validated_data["submit"],
            page=page,
            by=request.user,
        )
        return Response(AnswerSerializer(answer).data)


class PageProgressUpdate(APIView):
    """The patient marks a page done (``completed: true``) or not done; opening counts too."""

    @extend_schema(request=PageProgressUpdateSerializer, responses={204: None})
    def put(self, request, workspace_id, page_id):
        policies.workspace_owned_by(request.user, workspace_id)
        body = PageProgressUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            page = selectors.page_get(page_id)
        except (Page.DoesNotExist, ValidationError):
            raise Http404 from None
        enrolment = _enrolment_for_owner(request, workspace_id, page.module.programme)
        services.page_visit(enrolment=enrolment, page=page, by=request.user)
        services.page_complete(
            enrolment=enrolment, page=page, by=request.user, done=body.validated_data["completed"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class EnrolmentCreate(APIView):
    """Start a programme (the patient) or prescribe it (a care-team member, with an optional
    note, start date and recommended modules). A prescriber who sees the patient's progress
    gets the enrolment (and the read is logged); one who does not gets only their
    prescription."""

    @extend_schema(
        request=EnrolmentCreateSerializer,
        responses={
            201: PolymorphicProxySerializer(
                component_name="EnrolmentOrPrescription",
                serializers=[EnrolmentSerializer, PrescriptionSerializer],
                resource_type_field_name=None,
            )
        },
    )
    def post(self, request, workspace_id):
        workspace = policies.workspace_for_user(request.user, workspace_id)
        body = EnrolmentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        programme = _get(selectors.programmes_published(), pk=body.validated_data["programme"])
        if policies.is_owner(request.user, workspace):
            enrolment = services.enrolment_start(
                workspace=workspace, programme=programme, by=request.user
            )
        else:
            wanted = body.validated_data.get("recommended_modules", [])
            modules = list(Module.objects.filter(programme=programme, pk__in=wanted, retired=False))
            if len(modules) != len(set(wanted)):
                raise ValidationError({"recommended_modules": "Choose modules of this programme."})
            enrolment = services.programme_prescribe(
                workspace=workspace,
                programme=programme,
                by=request.user,
                note=body.validated_data.get("note", ""),
                start_on=body.validated_data.get("start_on"),
                recommended_modules=modules,
            )
            if not policies.can_view_section(request.user, workspace, Section.PROGRESS):
                # Prescribing needs no section; the patient's progress does (docs/content.md).
                prescription = enrolment.prescriptions.select_related("prescribed_by").latest(
                    "created_at"
                )
                return Response(
                    PrescriptionSerializer(prescription).data, status=status.HTTP_201_CREATED
                )
            policies.workspace_read(
                user=request.user, workspace=workspace, section=Section.PROGRESS, via="api"
            )
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


class AnswerFeedbackCreate(APIView):
    """A care-team member who sees exercise answers replies to a submitted answer."""

    @extend_schema(request=FeedbackSerializer, responses={201: FeedbackSerializer})
    def post(self, request, workspace_id, answer_id):
        workspace = policies.workspace_for_change(
            user=request.user, workspace_id=workspace_id, section=Section.JOURNAL
        )
        body = FeedbackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answer = _get(
            ExerciseAnswer.objects.filter(
                enrolment__workspace=workspace, status=ExerciseAnswer.Status.SUBMITTED
            ).select_related("enrolment__workspace"),
            pk=answer_id,
        )
        feedback = services.answer_feedback_add(
            answer=answer, by=request.user, text=body.validated_data["text"]
        )
        return Response(FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)
