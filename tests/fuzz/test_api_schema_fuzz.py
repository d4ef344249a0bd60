"""Fuzz every API operation from the OpenAPI schema (schemathesis generates the requests).

Path parameters point at the owner's real objects (from the access table's ``params``), so the
generated bodies and queries reach validation instead of stopping at a 404. Whatever arrives,
the answer is never a server error.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.access import http_routes
from tests.world import build_world

schemathesis = pytest.importorskip("schemathesis")

EXAMPLES = 6


def _operations():
    spec = json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)
    )
    schema = schemathesis.openapi.from_dict(spec)
    return [result.ok() for result in schema.get_all_operations()]


OPERATIONS = _operations()


def _route_name(path_template: str) -> str | None:
    concrete = path_template
    while "{" in concrete:
        start, end = concrete.index("{"), concrete.index("}")
        concrete = concrete[:start] + str(uuid.uuid4()) + concrete[end + 1 :]
    try:
        match = resolve(concrete)
    except Resolver404:
        return None
    return f"{':'.join(match.namespaces)}:{match.url_name}"


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
@pytest.mark.parametrize("actor", ["owner", "gp"])
def test_no_generated_request_gets_a_server_error(client, operation, actor):
    world = build_world()
    client.force_login(world.users[actor], backend="accounts.backends.EmailBackend")
    rule = http_routes().get(_route_name(operation.path) or "")
    known = {key: str(world.resolve(name)) for key, name in (rule.params if rule else {}).items()}
    failures = []

    @settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), use_real_ids=st.booleans())
    def check(case, use_real_ids):
        path_parameters = dict(case.path_parameters or {})
        if use_real_ids:
            path_parameters.update({k: v for k, v in known.items() if k in path_parameters})
        path = operation.path
        for key, value in path_parameters.items():
            path = path.replace("{" + key + "}", str(value))
        query = case.query if isinstance(case.query, dict) else {}
        body = case.body if not isinstance(case.body, schemathesis.core.NotSet) else None
        send = getattr(client, case.method.lower())
        if case.method.upper() in {"GET", "DELETE"}:
            response = send(path, data=query)
        else:
            response = send(path, data=json.dumps(body), content_type="application/json")
        if response.status_code >= 500:
            failures.append((case.method, path, body, response.status_code))

    check()
    assert failures == []
