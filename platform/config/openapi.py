"""The OpenAPI schema's error responses, declared once for every operation.

Errors leave the API in two shapes (``config.api.exception_handler``): ``{"detail": "..."}``,
and for invalid input a 400 whose keys are the fields at fault (each with a list of messages,
or nested objects for nested fields) and ``detail`` for what belongs to no field.

``AutoSchema`` adds to each operation the error codes it can return, by what the operation is:

- 400 when it takes a request body (a body that is not valid JSON, or fails validation);
- 401 and 403 when it needs a signed-in user (no or a bad token; not allowed, or a clinician
  whose session has not passed the second factor);
- 404 when its path names an object (outsiders get 404, never 403; an id that is not a UUID
  matches no route and ``config.views.not_found`` answers in the same shape), or it pages with a
  ``cursor`` or ``page`` parameter (an unknown cursor or page is a 404);
- 415 when it takes a request body (JSON only, unless the view says otherwise).

Codes that depend on what a view does (409 for a stale edit, 413 for an oversized upload, 400 for
a query parameter the view validates) are declared on the view with ``ERROR`` or
``VALIDATION_ERROR``. 405 is never listed: an operation is one method, and the others are simply
not in the schema. 429 is never listed: the API sets no throttle.
"""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words a person can act on.")

    class Meta:
        ref_name = "Error"


class ValidationErrorSerializer(serializers.Serializer):
    """Documented by ``ValidationErrorSchema`` below: its keys are the request's own fields."""

    class Meta:
        ref_name = "ValidationError"


class ValidationErrorSchema(OpenApiSerializerExtension):
    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema, direction):
        messages = {"type": "array", "items": {"type": "string"}}
        return {
            "type": "object",
            "description": (
                "Each key is a field of the request with its messages (an object for a nested "
                "field, with one entry per item of a list); `detail` holds what belongs to no "
                "field, and `non_field_errors` what concerns several fields at once."
            ),
            "properties": {
                "detail": {"oneOf": [{"type": "string"}, messages]},
                "non_field_errors": messages,
            },
            # A list field's errors hold one entry per item: messages, or an object per item.
            "additionalProperties": {
                "oneOf": [{"type": "array"}, {"type": "object"}, {"type": "string"}]
            },
        }


ERROR = OpenApiResponse(ErrorSerializer, description="Refused; `detail` says why.")
VALIDATION_ERROR = OpenApiResponse(
    ValidationErrorSerializer, description="The request is not valid; nothing was changed."
)

_GENERIC = {
    401: OpenApiResponse(ErrorSerializer, description="Not signed in, or the token is not valid."),
    403: OpenApiResponse(
        ErrorSerializer,
        description="Not allowed, or a clinician's session has not passed the second factor.",
    ),
    404: OpenApiResponse(
        ErrorSerializer, description="No such object, or not one this user may know about."
    ),
    415: OpenApiResponse(ErrorSerializer, description="The body is not in a supported format."),
}

# Pagination parameters whose unknown values DRF answers with 404 (CursorPagination,
# PageNumberPagination).
_PAGING_PARAMETERS = {"cursor", "page"}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in sorted(self.error_codes()):
            if str(code) not in responses:
                declared = VALIDATION_ERROR if code == 400 else _GENERIC[code]
                responses[str(code)] = self._get_response_for_code(
                    declared, str(code), direction=direction
                )
        return responses

    def error_codes(self) -> set[int]:
        codes: set[int] = set()
        if self._takes_body():
            codes |= {400, 415}
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes |= {401, 403}
        parameters = {p["name"] for p in self._get_parameters() if p["in"] == "query"}
        if "{" in self.path or parameters & _PAGING_PARAMETERS:
            codes.add(404)
        return codes

    def _takes_body(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None
