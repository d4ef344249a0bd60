from rest_framework import serializers

from alerts.models import Alert, CareCadence, Review
from clinician_app.caseload import NOT_SHARED
from config.input_hygiene import ApiPlanDateField


class AlertSerializer(serializers.ModelSerializer):
    workspace = serializers.UUIDField(source="workspace_id", read_only=True)
    patient_name = serializers.CharField(source="workspace.patient.full_name", read_only=True)
    responsible = serializers.UUIDField(source="membership_id", read_only=True, allow_null=True)
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.full_name", read_only=True, default=None, allow_null=True
    )
    resolved_by = serializers.CharField(
        source="resolved_by.full_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "workspace",
            "patient_name",
            "kind",
            "severity",
            "section",
            "status",
            "responsible",
            "created_at",
            "acknowledged_at",
            "acknowledged_by",
            "resolved_at",
            "resolved_by",
            "resolution_note",
            "escalation_level",
            "escalated_at",
        ]
        read_only_fields = fields


class ResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, allow_blank=False, trim_whitespace=True)


class CadenceSerializer(serializers.ModelSerializer):
    next_review_on = ApiPlanDateField(allow_null=True)

    class Meta:
        model = CareCadence
        fields = ["inactivity_days", "review_interval_days", "next_review_on"]
        extra_kwargs = {
            "inactivity_days": {"required": True, "min_value": 1, "max_value": 90},
            "review_interval_days": {"required": True, "min_value": 1, "max_value": 365},
        }


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "note", "shared_with_patient", "next_review_on", "created_at"]
        read_only_fields = ["id", "next_review_on", "created_at"]
        extra_kwargs = {"note": {"max_length": 2000}}


class CaseloadRowSerializer(serializers.Serializer):
    workspace = serializers.UUIDField(source="workspace.pk")
    patient_name = serializers.CharField(source="workspace.patient.full_name")
    role = serializers.CharField(source="membership.role")
    shared = serializers.SerializerMethodField()
    attention = serializers.IntegerField()
    attention_label = serializers.CharField()
    last_activity_at = serializers.DateTimeField(allow_null=True)
    recency = serializers.SerializerMethodField()
    next_review_on = serializers.DateField(allow_null=True)
    review_overdue = serializers.BooleanField()
    open_alerts = serializers.IntegerField()
    urgent_alerts = serializers.IntegerField()
    columns = serializers.SerializerMethodField()

    def get_shared(self, row) -> list[str]:
        return sorted(s.value for s in row.shared)

    def get_recency(self, row) -> str | None:
        return row.recency.text if row.recency else None

    def get_columns(self, row) -> dict:
        """Contributed columns: "not shared", null (nothing yet), or the loader's value."""
        plain = (str, int, float, bool, dict, list, type(None))
        return {
            column.key: "not shared"
            if value is NOT_SHARED
            else value
            if isinstance(value, plain)
            else str(value)
            for column, value in row.cells
        }
