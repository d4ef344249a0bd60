from rest_framework import serializers

from config.input_hygiene import ApiPlanDateField
from measures.models import Reminder, Response, Schedule


class OptionSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()


class ItemSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    not_applicable = serializers.CharField()


class BandSerializer(serializers.Serializer):
    code = serializers.CharField()
    min = serializers.IntegerField()
    max = serializers.IntegerField()
    label = serializers.CharField()


class InstrumentSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.CharField()
    name = serializers.CharField()
    title = serializers.CharField()
    source = serializers.CharField()
    licence = serializers.CharField()
    stem = serializers.CharField()
    options = OptionSerializer(many=True)
    items = ItemSerializer(many=True)
    min_score = serializers.IntegerField()
    max_score = serializers.IntegerField()
    higher_is_better = serializers.BooleanField()
    bands = BandSerializer(many=True)
    reliable_change = serializers.IntegerField()
    reliable_change_source = serializers.CharField()
    reliable_change_provisional = serializers.BooleanField()


class ResponseSerializer(serializers.ModelSerializer):
    safety_raised = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = [
            "id",
            "instrument",
            "instrument_version",
            "language",
            "status",
            "answers",
            "total",
            "band",
            "prorated",
            "created_at",
            "updated_at",
            "completed_at",
            "safety_raised",
        ]

    def get_safety_raised(self, response) -> bool:
        return response.pk in self.context.get("safety_ids", ())


class ResponseStartSerializer(serializers.Serializer):
    instrument = serializers.CharField(max_length=32)


class AnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField(), allow_empty=False)

    def validate_answers(self, value):
        if len(value) > 100:
            raise serializers.ValidationError("Too many answers.")
        return value


class PointSerializer(serializers.Serializer):
    response_id = serializers.UUIDField()
    completed_at = serializers.DateTimeField()
    total = serializers.IntegerField()
    band = serializers.CharField()
    band_label = serializers.CharField()
    prorated = serializers.BooleanField()
    language = serializers.CharField()


class TrendSerializer(serializers.Serializer):
    instrument = serializers.CharField(source="instrument.code")
    max_score = serializers.IntegerField(source="instrument.max_score")
    points = PointSerializer(many=True)
    change = serializers.IntegerField(allow_null=True)
    reliable_change = serializers.CharField()


class ScheduleSerializer(serializers.ModelSerializer):
    starts_on = ApiPlanDateField()
    ends_on = ApiPlanDateField(required=False, allow_null=True)

    class Meta:
        model = Schedule
        fields = [
            "id",
            "instrument",
            "starts_on",
            "at_start",
            "every_weeks",
            "ends_on",
            "at_end",
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Uniqueness is the service's job (it upserts), not the serializer's.
        validators = []


class ReminderSerializer(serializers.ModelSerializer):
    instrument = serializers.CharField(source="schedule.instrument")

    class Meta:
        model = Reminder
        fields = [
            "id",
            "instrument",
            "due_on",
            "channel",
            "status",
            "scheduled_at",
            "sent_at",
            "opened_at",
            "completed_at",
        ]
