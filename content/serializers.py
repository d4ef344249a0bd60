"""API shapes for programme content and a patient's progress and answers."""

from __future__ import annotations

from rest_framework import serializers

from config.input_hygiene import ApiPlanDateField
from content.models import Enrolment, Exercise, ExerciseAnswer, Page, Prescription, Programme


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "slug", "title", "summary", "language", "version"]


class PageSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.CharField()
    title = serializers.CharField()
    position = serializers.IntegerField()


class ModuleSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    position = serializers.IntegerField()
    key_points = serializers.ListField(child=serializers.CharField())
    try_this_week = serializers.CharField()
    pages = serializers.SerializerMethodField()

    def get_pages(self, module) -> list[dict]:
        return PageSummarySerializer(module.pages.all(), many=True).data


class ProgrammeDetailSerializer(ProgrammeSerializer):
    modules = serializers.SerializerMethodField()

    class Meta(ProgrammeSerializer.Meta):
        fields = [*ProgrammeSerializer.Meta.fields, "modules"]

    def get_modules(self, programme) -> list[dict]:
        return ModuleSerializer(self.context["modules"], many=True).data


class ExerciseSerializer(serializers.ModelSerializer):
    programme = serializers.UUIDField(source="programme_id")

    class Meta:
        model = Exercise
        fields = ["id", "slug", "kind", "title", "intro_html", "fields", "version", "programme"]


class PageSerializer(serializers.ModelSerializer):
    module = serializers.UUIDField(source="module_id")
    programme = serializers.UUIDField(source="module.programme_id")
    exercises = serializers.SerializerMethodField()

    class Meta:
        model = Page
        fields = [
            "id",
            "slug",
            "title",
            "position",
            "version",
            "module",
            "programme",
            "blocks",
            "exercises",
        ]

    def get_exercises(self, page) -> list[dict]:
        return ExerciseSerializer(self.context["exercises"], many=True).data


class PageStateSerializer(serializers.Serializer):
    page = serializers.UUIDField(source="0.pk")
    title = serializers.CharField(source="0.title")
    visited_at = serializers.DateTimeField(source="1.visited_at", allow_null=True, default=None)
    completed_at = serializers.DateTimeField(source="1.completed_at", allow_null=True, default=None)


class ModuleStateSerializer(serializers.Serializer):
    module = serializers.UUIDField(source="module.pk")
    title = serializers.CharField(source="module.title")
    state = serializers.CharField()
    percent = serializers.IntegerField()
    completed = serializers.IntegerField()
    total = serializers.IntegerField()
    recommended = serializers.BooleanField()
    pages = serializers.SerializerMethodField()

    def get_pages(self, state) -> list[dict]:
        return [
            {
                "page": str(page.pk),
                "title": page.title,
                "visited_at": progress.visited_at if progress else None,
                "completed_at": progress.completed_at if progress else None,
            }
            for page, progress in state.pages
        ]


class EnrolmentSerializer(serializers.ModelSerializer):
    programme = serializers.UUIDField(source="programme_id")
    prescribed_by = serializers.CharField(
        source="prescribed_by.full_name", default=None, allow_null=True
    )
    last_page = serializers.UUIDField(source="last_page_id", allow_null=True)

    class Meta:
        model = Enrolment
        fields = ["id", "programme", "status", "prescribed_by", "note", "start_on", "paused_at",
                  "last_page", "last_visited_at", "created_at"]  # fmt: skip


class PrescriptionSerializer(serializers.ModelSerializer):
    """What a prescriber who does not see the patient's progress gets back: their own
    prescription, nothing of where the patient is in the programme."""

    enrolment = serializers.UUIDField(source="enrolment_id")
    programme = serializers.UUIDField(source="enrolment.programme_id")
    prescribed_by = serializers.CharField(source="prescribed_by.full_name", default=None)

    class Meta:
        model = Prescription
        fields = ["id", "enrolment", "programme", "prescribed_by", "note", "start_on", "created_at"]


class ProgressSerializer(serializers.Serializer):
    enrolment = EnrolmentSerializer()
    percent = serializers.IntegerField()
    modules = ModuleStateSerializer(many=True)


class FeedbackSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    author_name = serializers.CharField(read_only=True)
    text = serializers.CharField(max_length=2000)
    created_at = serializers.DateTimeField(read_only=True)
    # Null until the patient reads it.
    seen_at = serializers.DateTimeField(read_only=True, allow_null=True)


class AnswerSerializer(serializers.ModelSerializer):
    feedback = FeedbackSerializer(many=True, read_only=True)
    exercise = serializers.UUIDField(source="exercise_id")
    exercise_title = serializers.CharField(source="exercise.title")
    page = serializers.UUIDField(source="page_id", allow_null=True)

    class Meta:
        model = ExerciseAnswer
        fields = ["id", "exercise", "exercise_title", "exercise_version", "page", "status", "data",
                  "submitted_at", "updated_at", "feedback"]  # fmt: skip


class AnswerSaveSerializer(serializers.Serializer):
    data = serializers.DictField(allow_empty=True)
    submit = serializers.BooleanField(default=False)
    page = serializers.UUIDField(required=False, allow_null=True)


class PageProgressUpdateSerializer(serializers.Serializer):
    completed = serializers.BooleanField()


class EnrolmentCreateSerializer(serializers.Serializer):
    programme = serializers.UUIDField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    start_on = ApiPlanDateField(required=False, allow_null=True)
    recommended_modules = serializers.ListField(
        child=serializers.UUIDField(), required=False, max_length=50
    )
