from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.serializers import MeSerializer


class MeView(APIView):
    """The signed-in user."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request):
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {
            "full_name": request.user.full_name,
            "timezone": request.user.timezone,
            "language": request.user.language,
            **serializer.validated_data,
        }
        user = services.user_profile_update(user=request.user, **data)
        return Response(MeSerializer(user).data)
