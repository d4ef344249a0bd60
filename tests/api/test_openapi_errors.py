"""The schema lists, for every operation, the error codes it can return and their body."""

from __future__ import annotations

import re
import uuid

import pytest
from drf_spectacular.generators import SchemaGenerator

ERROR = {"$ref": "#/components/schemas/Error"}
VALIDATION_ERROR = {"$ref": "#/components/schemas/ValidationError"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def _body(response):
    return response["content"]["application/json"]["schema"]


def test_every_operation_needs_a_signed_in_user_and_says_so(schema):
    for path, method, operation in _operations(schema):
        for code in ("401", "403"):
            assert _body(operation["responses"][code]) == ERROR, (method, path, code)


def test_operations_naming_an_object_list_404(schema):
    for path, method, operation in _operations(schema):
        if "{" in path:
            assert _body(operation["responses"]["404"]) == ERROR, (method, path)


def test_operations_with_a_body_list_400_and_415(schema):
    for path, method, operation in _operations(schema):
        if "requestBody" in operation:
            assert _body(operation["responses"]["400"]) == VALIDATION_ERROR, (method, path)
            assert _body(operation["responses"]["415"]) == ERROR, (method, path)


def test_codes_that_cannot_happen_are_not_listed(schema):
    me = schema["paths"]["/api/v1/me/"]["get"]["responses"]
    assert set(me) == {"200", "401", "403"}
    for path, method, operation in _operations(schema):
        assert not {"405", "429"} & set(operation["responses"]), (method, path)
        if "requestBody" not in operation:
            assert "415" not in operation["responses"], (method, path)


def test_a_page_cursor_that_does_not_exist_is_a_declared_404(schema):
    alerts = schema["paths"]["/api/v1/alerts/"]["get"]["responses"]
    assert _body(alerts["404"]) == ERROR


@pytest.mark.parametrize(
    ("path", "method", "code"),
    [
        ("/api/v1/alerts/{alert_id}/acknowledge/", "post", "409"),
        ("/api/v1/workspaces/{workspace_id}/goals/ladders/{ladder_id}/", "patch", "409"),
        ("/api/v1/workspaces/{workspace_id}/goals/steps/{step_id}/", "patch", "409"),
        (
            "/api/v1/workspaces/{workspace_id}/goals/proposals/{proposal_id}/answer/",
            "post",
            "409",
        ),
        ("/api/v1/messaging/threads/{thread_id}/messages/", "post", "413"),
    ],
)
def test_codes_a_view_raises_itself_carry_the_error_body(schema, path, method, code):
    assert _body(schema["paths"][path][method]["responses"][code]) == ERROR


def test_validated_query_parameters_and_a_refused_finish_are_declared_400s(schema):
    messages = schema["paths"]["/api/v1/messaging/threads/{thread_id}/messages/"]["get"]
    complete = schema["paths"][
        "/api/v1/workspaces/{workspace_id}/measures/responses/{response_id}/complete/"
    ]["post"]
    proposals = schema["paths"]["/api/v1/workspaces/{workspace_id}/goals/proposals/"]["get"]
    assert _body(messages["responses"]["400"]) == VALIDATION_ERROR
    assert _body(proposals["responses"]["400"]) == VALIDATION_ERROR
    assert _body(complete["responses"]["400"]) == VALIDATION_ERROR


def test_the_validation_error_body_allows_field_messages_and_detail(schema):
    from jsonschema import Draft4Validator

    component = schema["components"]["schemas"]["ValidationError"]
    for body in (
        {"title": ["This field is required."]},
        {"detail": ["Please answer every question."]},
        {"detail": "JSON parse error"},
        {"items": [{}, {"text": ["Too long."]}]},
        {"changes": {"why": ["Too long."]}},
    ):
        assert not list(Draft4Validator(component).iter_errors(body)), body


@pytest.mark.django_db
def test_signed_out_requests_get_the_declared_401_with_its_body(client, schema):
    for path, method, operation in _operations(schema):
        concrete = re.sub(r"\{[^}]+\}", lambda _m: str(uuid.uuid4()), path)
        response = getattr(client, method)(concrete, data={}, content_type="application/json")
        assert response.status_code == 401, (method, path, response.status_code)
        assert "401" in operation["responses"], (method, path)
        assert set(response.json()) == {"detail"}, (method, path)
        assert response["Content-Type"] == "application/json", (method, path)


@pytest.mark.django_db
def test_a_body_in_another_format_gets_the_declared_415(client, schema, patient):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    me = client.patch("/api/v1/me/", data="full_name=Pat", content_type="text/plain")
    assert me.status_code == 415
    assert set(me.json()) == {"detail"}
    assert "415" in schema["paths"]["/api/v1/me/"]["patch"]["responses"]
    # Elsewhere the object in the path is looked up first, so an unknown one is a 404.
    for path, method, operation in _operations(schema):
        if "requestBody" in operation:
            concrete = re.sub(r"\{[^}]+\}", lambda _m: str(uuid.uuid4()), path)
            response = getattr(client, method)(concrete, data="x", content_type="text/plain")
            assert str(response.status_code) in operation["responses"], (method, path)
            assert response.status_code in (403, 404, 415), (method, path, response.status_code)


@pytest.mark.django_db
def test_an_api_path_that_matches_no_route_gets_the_declared_json_404(client, patient):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    for path in ("/api/v1/exercises/not-a-uuid/", "/api/v1/no-such-thing/"):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) == {"detail"}
    page = client.get("/me/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
