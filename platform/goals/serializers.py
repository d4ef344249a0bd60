from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.serializers import UserSummarySerializer
from config.input_hygiene import ApiDateField
from goals.chain import ScheduleKind
from goals.models import TEXT_LONG, TEXT_SHORT, Comment, LadderChange, Proposal, Step


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = [
            "id",
            "position",
            "description",
            "target_date",
            "difficulty",
            "state",
            "reflection",
            "done_at",
            "version",
            "created_at",
            "updated_at",
        ]


class LadderSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    why = serializers.CharField()
    archived = serializers.SerializerMethodField()
    version = serializers.IntegerField()
    steps = StepSerializer(many=True, source="steps.all")
    open_proposals = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_archived(self, ladder) -> bool:
        return ladder.archived_at is not None

    def get_open_proposals(self, ladder) -> int:
        return len(getattr(ladder, "open_proposals", ()))


class LadderCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TEXT_SHORT)
    why = serializers.CharField(max_length=TEXT_LONG, required=False, allow_blank=True)


class LadderUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The version you last saw."
    )
    title = serializers.CharField(max_length=TEXT_SHORT, required=False)
    why = serializers.CharField(max_length=TEXT_LONG, required=False, allow_blank=True)
    archived = serializers.BooleanField(required=False)


class StepCreateSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=TEXT_SHORT)
    target_date = ApiDateField(required=False, allow_null=True)
    difficulty = serializers.IntegerField(
        min_value=0, max_value=10, required=False, allow_null=True
    )


class StepUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The version you last saw."
    )
    description = serializers.CharField(max_length=TEXT_SHORT, required=False)
    target_date = ApiDateField(required=False, allow_null=True)
    difficulty = serializers.IntegerField(
        min_value=0, max_value=10, required=False, allow_null=True
    )
    state = serializers.ChoiceField(choices=Step.State.choices, required=False)
    reflection = serializers.CharField(max_length=TEXT_LONG, required=False, allow_blank=True)


class StepOrderSerializer(serializers.Serializer):
    step_ids = serializers.ListField(
        child=serializers.UUIDField(), allow_empty=False, max_length=100
    )


class ProposalSerializer(serializers.ModelSerializer):
    # Both are null once the account is gone; answered_by until the patient answers.
    proposed_by = UserSummarySerializer(read_only=True, allow_null=True)
    answered_by = UserSummarySerializer(read_only=True, allow_null=True)
    payload = serializers.DictField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "kind",
            "ladder",
            "step",
            "payload",
            "note",
            "status",
            "base_version",
            "proposed_by",
            "answered_by",
            "answered_at",
            "created_at",
        ]


class ProposalCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Proposal.Kind.choices)
    ladder = serializers.UUIDField(required=False, allow_null=True)
    step = serializers.UUIDField(required=False, allow_null=True)
    payload = serializers.DictField(
        help_text="new_ladder/edit_ladder: title, why. new_step/edit_step: description, "
        "target_date (YYYY-MM-DD), difficulty (0-10). Edits carry only what changes."
    )
    note = serializers.CharField(max_length=TEXT_LONG, required=False, allow_blank=True)

    def validate_payload(self, value):
        if len(value) > 5:
            raise serializers.ValidationError(_("Too many fields."))
        return value


class ProposalAnswerSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=["accept", "decline", "withdraw"],
        help_text="The patient accepts or declines; the proposer may withdraw.",
    )
    changes = serializers.DictField(
        required=False, help_text="The patient's own changes when accepting (same fields)."
    )


class CommentSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "created_at"]


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=TEXT_LONG)


class HistorySerializer(serializers.ModelSerializer):
    actor = UserSummarySerializer(read_only=True)
    changes = serializers.DictField()

    class Meta:
        model = LadderChange
        fields = [
            "id",
            "action",
            "actor",
            "step",
            "proposal",
            "changes",
            "ladder_version",
            "created_at",
        ]


class HabitSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="habit.id")
    name = serializers.CharField(source="habit.name")
    schedule_kind = serializers.CharField(source="habit.schedule_kind")
    weekdays = serializers.SerializerMethodField()
    times_per_week = serializers.IntegerField(source="habit.times_per_week")
    start_date = serializers.DateField(source="habit.start_date")
    source_step = serializers.UUIDField(source="habit.source_step_id", allow_null=True)
    archived = serializers.SerializerMethodField()
    today = serializers.DateField(help_text="Today in the patient's time zone.")
    current_streak = serializers.IntegerField(source="chain.current")
    longest_streak = serializers.IntegerField(source="chain.longest")
    last_check = serializers.DateField(allow_null=True)
    done_today = serializers.BooleanField()

    def get_weekdays(self, view) -> list[int]:
        return sorted(view.habit.weekdays)

    def get_archived(self, view) -> bool:
        return view.habit.archived_at is not None


class HabitDetailSerializer(HabitSerializer):
    days = serializers.SerializerMethodField(
        help_text="Status of each day from the start (or the last 10 weeks) to today."
    )

    def get_days(self, view) -> dict[str, str]:
        return {day.isoformat(): str(status) for day, status in view.recent_statuses().items()}


class HabitCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=TEXT_SHORT)
    schedule_kind = serializers.ChoiceField(choices=[k.value for k in ScheduleKind])
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        required=False,
        max_length=7,
        help_text="0 = Monday ... 6 = Sunday (for 'weekdays').",
    )
    times_per_week = serializers.IntegerField(
        min_value=1, max_value=7, required=False, allow_null=True
    )
    source_step = serializers.UUIDField(required=False, allow_null=True)


class CheckSerializer(serializers.Serializer):
    day = ApiDateField(help_text="The patient's local day: today or yesterday only.")
    done = serializers.BooleanField(default=True)


class CheckListSerializer(serializers.Serializer):
    day = ApiDateField()
