"""Every API operation answers as the OpenAPI schema says, and never with a server error.

schemathesis generates requests for every operation of the schema that ``/api/schema/`` serves
and sends them in-process through Django's WSGI handler with a real API token: valid requests as
the owner patient and as a care-team clinician with every section shared, and invalid ones (a
value outside its schema: wrong type, out of range, not a UUID) as the owner. Path parameters
point at the owner's real objects (from the access table's ``params``) half of the time, so
bodies reach validation and success responses get checked, and at unknown ids the other half.
Each answer must pass schemathesis' checks: not a server error, a documented status code, a body
that matches the schema documented for that code, and the documented content type.

Bounded and deterministic: a few examples per operation from a fixed seed (``derandomize``), and
one persona world for the whole module (each test rolls back to it).
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import close_old_connections, transaction
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from accounts.tokens import token_create
from config.access import http_routes
from tests.world import build_world

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.core.failures import FailureGroup  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = 6
ACTORS = ["owner", "gp"]
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]


def _schema():
    spec = json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)
    )
    schema = schemathesis.openapi.from_dict(spec)
    # No NUL characters in generated text: text fields refuse one with a 400, but PostgreSQL
    # also refuses a NUL inside a JSON value, which a run on SQLite would not show, so that
    # belongs to input-hygiene tests, not to schema conformance. Lone surrogates never occur
    # (generated text is UTF-8).
    schema.config.generation.allow_x00 = False
    return schema


SCHEMA = _schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def _runs():
    """(operation, actor, mode) to test: an operation without parameters or a body has no
    invalid request to make."""
    for operation in OPERATIONS:
        name = f"{operation.method.upper()} {operation.path}"
        for actor in ACTORS:
            yield pytest.param(operation, actor, POSITIVE, id=f"{actor}-valid-{name}")
        if len(operation.path_parameters) or len(operation.query) or len(list(operation.body)):
            yield pytest.param(operation, "owner", NEGATIVE, id=f"owner-invalid-{name}")


def _route_name(path_template: str) -> str:
    concrete = path_template
    while "{" in concrete:
        start, end = concrete.index("{"), concrete.index("}")
        concrete = concrete[:start] + str(uuid.uuid4()) + concrete[end + 1 :]
    try:
        match = resolve(concrete)
    except Resolver404:
        return ""
    return f"{':'.join(match.namespaces)}:{match.url_name}"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The persona world and an API token per actor, built once; every test rolls back to it."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        tokens = {actor: token_create(user=world.users[actor])[1] for actor in ACTORS}
        yield world, tokens
        transaction.set_rollback(True)


@pytest.fixture
def app(db):
    """Django's WSGI handler, keeping the test's database connection (and its transaction)
    open across requests, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)


def _describe(case, response, error: FailureGroup) -> str:
    problems = "; ".join(f"{f.title}: {f.message}" for f in error.exceptions)
    return f"{case.method} {case.formatted_path} -> {response.status_code}: {problems}"


@pytest.mark.parametrize(("operation", "actor", "mode"), list(_runs()))
def test_every_answer_matches_the_schema(app, seeded, operation, actor, mode):
    world, tokens = seeded
    rule = http_routes().get(_route_name(operation.path))
    real_ids = {
        key: str(world.resolve(name)) for key, name in (rule.params if rule else {}).items()
    }
    headers = {"Authorization": f"Token {tokens[actor]}", "Host": "testserver"}
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode), use_real_ids=st.booleans())
    def check(case, use_real_ids):
        if use_real_ids and case.path_parameters:
            case.path_parameters = {
                key: real_ids.get(key, value) for key, value in case.path_parameters.items()
            }
        response = case.call(app=app, headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as error:
            failures.append(_describe(case, response, error))

    check()
    assert failures == []
