from rest_framework import serializers

from accounts.models import Organisation, User


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind"]


class UserSummarySerializer(serializers.ModelSerializer):
    """What one participant may see of another: name and role, never contact details."""

    class Meta:
        model = User
        fields = ["id", "full_name", "role"]


class MeSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "role",
            "organisation",
            "timezone",
            "language",
            "message_notifications",
        ]
        read_only_fields = ["id", "email", "role", "organisation"]
