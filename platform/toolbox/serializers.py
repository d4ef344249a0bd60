"""API shapes of the toolbox. Read serializers never carry a workspace or an owner; write
serializers accept only the fields a patient may set (anything else in the body is ignored)."""

from __future__ import annotations

from rest_framework import serializers

from config.input_hygiene import ApiDateField
from toolbox.models import (
    CONTACT_MAX,
    ITEM_MAX,
    JOURNAL_MAX,
    NOTE_MAX,
    SCALE_MAX,
    SCALE_MIN,
    CheckIn,
    CrisisKind,
    CrisisPlanItem,
    CrisisPlanSuggestion,
    JournalEntry,
    NetworkContact,
    OrganisationEmergencyNumber,
)


def _rating():
    return serializers.IntegerField(min_value=SCALE_MIN, max_value=SCALE_MAX)


class CheckInSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckIn
        fields = [
            "id",
            "day",
            "mood",
            "symptoms",
            "energy",
            "sleep",
            "activities",
            "note",
            "private",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CheckInWriteSerializer(serializers.Serializer):
    day = ApiDateField()
    mood = _rating()
    symptoms = _rating()
    energy = _rating()
    sleep = _rating()
    activities = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    note = serializers.CharField(max_length=NOTE_MAX, allow_blank=True, required=False, default="")
    private = serializers.BooleanField(
        required=False, help_text="Leave out to keep the entry's current privacy."
    )


class PrivacySerializer(serializers.Serializer):
    private = serializers.BooleanField()


class CrisisItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CrisisPlanItem
        fields = ["id", "kind", "text", "contact", "created_at", "updated_at"]
        read_only_fields = fields


class CrisisItemWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CrisisKind.choices)
    text = serializers.CharField(max_length=ITEM_MAX)
    contact = serializers.CharField(
        max_length=CONTACT_MAX, allow_blank=True, required=False, default=""
    )


class SuggestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CrisisPlanSuggestion
        fields = ["id", "kind", "text", "contact", "status", "created_at"]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "decline"])


class EmergencyNumberSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrganisationEmergencyNumber
        fields = ["label", "number"]
        read_only_fields = fields


class CrisisPlanSerializer(serializers.Serializer):
    items = CrisisItemSerializer(many=True)
    default_numbers = EmergencyNumberSerializer(many=True)
    suggestions = SuggestionSerializer(many=True)


class NetworkContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = NetworkContact
        fields = [
            "id",
            "name",
            "kind",
            "closeness",
            "practical",
            "emotional",
            "company",
            "wants_more_contact",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class JournalEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = JournalEntry
        fields = ["id", "title", "body", "shared", "for_relatives", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"body": {"max_length": JOURNAL_MAX}}
