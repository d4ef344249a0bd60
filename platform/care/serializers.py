from rest_framework import serializers

from accounts.serializers import UserSummarySerializer
from care.models import CareTeamMembership, Cover, Workspace
from care.sections import Section
from config.input_hygiene import ApiPlanDateField
from records.models import AccessLogEntry


class WorkspaceSerializer(serializers.ModelSerializer):
    patient = UserSummarySerializer(read_only=True)
    shared_with_me = serializers.SerializerMethodField()

    class Meta:
        model = Workspace
        fields = ["id", "patient", "created_at", "shared_with_me"]

    def get_shared_with_me(self, workspace) -> list[str]:
        shared = self.context.get("shared", {})
        return sorted(shared.get(workspace.pk, ()))


class MembershipSerializer(serializers.ModelSerializer):
    clinician = UserSummarySerializer(read_only=True)
    shared = serializers.SerializerMethodField()

    class Meta:
        model = CareTeamMembership
        fields = [
            "id",
            "clinician",
            "role",
            "status",
            "created_at",
            "started_at",
            "ended_at",
            "ends_at",
            "shared",
        ]

    def get_shared(self, membership) -> list[str]:
        return sorted(getattr(membership, "shared", ()))


class MembershipUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["active", "declined", "ended"])
    sections = serializers.ListField(
        child=serializers.ChoiceField(choices=Section.choices),
        required=False,
        max_length=len(Section),
    )


class SharingSerializer(serializers.Serializer):
    sections = serializers.ListField(
        child=serializers.ChoiceField(choices=Section.choices),
        allow_empty=True,
        max_length=len(Section),
    )


class AccessLogEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessLogEntry
        fields = ["id", "actor_name", "actor_role", "section", "via", "created_at"]


class CoverSerializer(serializers.ModelSerializer):
    absent = UserSummarySerializer(read_only=True)
    colleague = UserSummarySerializer(read_only=True)
    colleague_id = serializers.UUIDField(write_only=True)
    starts_on = ApiPlanDateField()
    ends_on = ApiPlanDateField()
    note = serializers.CharField(max_length=280, required=False, allow_blank=True, default="")

    class Meta:
        model = Cover
        fields = [
            "id",
            "absent",
            "colleague",
            "colleague_id",
            "starts_on",
            "ends_on",
            "starts_at",
            "ends_at",
            "note",
            "created_at",
            "cancelled_at",
        ]
        read_only_fields = ["starts_at", "ends_at", "created_at", "cancelled_at"]
