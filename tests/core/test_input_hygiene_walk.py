"""The walk behind input hygiene: every text input of every form and API operation refuses NUL
and unpaired surrogates with a 400, stores nothing, and leaves every page working; every date a
form or serializer accepts is bounded.

Forms are found through their views: each page of the persona world (tests/world.py) is fetched
as a persona allowed to see it, and every ``<form>`` on it is read (the route it posts to and its
field names). API bodies are found in the OpenAPI schema. Routes and their personas come from
the access table (``config.access``), which the route inventory keeps complete.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import uuid
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django import forms
from django.apps import apps
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from config.access import Audience, http_routes
from config.discovery import PROJECT_APPS
from config.input_hygiene import validate_plan_date, validate_sensible_date
from tests.world import build_world

pytestmark = pytest.mark.django_db

LOGIN = {"backend": "accounts.backends.EmailBackend"}
MESSAGE = "cannot be stored"
# JSON escapes, sent as written: a NUL and a lone high and low surrogate.
BAD_JSON_STRINGS = ["x\\u0000y", "x\\ud800y", "\\udfff"]
TEXT_INPUT_TYPES = {"", "text", "email", "search", "tel", "url", "hidden", "password", "date"}
# Personas of the world allowed to use each audience (the duty audience has no persona there:
# the gates run before the view, so its routes are walked as the GP and refuse all the same).
PERSONA_FOR = {
    Audience.PUBLIC: "anonymous",
    Audience.AUTHENTICATED: "owner",
    Audience.PATIENT: "owner",
    Audience.PATIENT_OWNER: "owner",
    Audience.WORKSPACE: "owner",
    Audience.WORKSPACE_OWNER: "owner",
    Audience.WORKSPACE_SECTION: "owner",
    Audience.CLINICIAN: "gp",
    Audience.CARE_TEAM: "gp",
    Audience.CARE_TEAM_SECTION: "gp",
    Audience.DUTY: "gp",
    Audience.STAFF: "staff",
    Audience.MODERATOR: "moderator",
    Audience.FORUM_ADMIN: "forum_admin",
    Audience.MANAGER: "manager",
    Audience.RELATIVE: "relative",
    Audience.RELATIVE_SECTION: "relative",
}
# Pages that must keep working after every refused request.
PATIENT_PAGES = ["patient:dashboard", "patient:measures", "patient:goal_list"]
CLINICIAN_PAGES = ["clinician:patient_overview", "clinician:goal_list", "clinician:measures"]


# --- helpers -----------------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """Every ``<form method="post">``: (action, [text field names])."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, list[str]]] = []
        self._current: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = (attrs.get("action") or "", [])
            self.forms.append(self._current)
        elif self._current is not None and tag in {"input", "textarea", "select"}:
            name = attrs.get("name")
            kind = (attrs.get("type") or "").lower() if tag == "input" else ""
            if name and name != "csrfmiddlewaretoken" and kind in TEXT_INPUT_TYPES:
                self._current[1].append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def _route_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _clients(world) -> dict[str, Client]:
    clients = {}
    for persona, user in world.users.items():
        client = Client()
        if user is not None:
            client.force_login(user, **LOGIN)
        clients[persona] = client
    return clients


def _url(world, name, rule) -> str:
    return reverse(name, kwargs={k: world.resolve(v) for k, v in rule.params.items()})


def _pages_answer(world, clients) -> dict[str, int]:
    statuses = {}
    for name in PATIENT_PAGES:
        statuses[name] = clients["owner"].get(reverse(name)).status_code
    for name in CLINICIAN_PAGES:
        url = reverse(name, args=[world.workspace.pk])
        statuses[name] = clients["gp"].get(url).status_code
    return statuses


# --- forms, through their views ------------------------------------------------------------------


def test_every_form_field_and_query_refuses_nul_and_stores_nothing():
    world = build_world()
    clients = _clients(world)
    table = http_routes()
    pages = {name: rule for name, rule in table.items() if not rule.api}

    # 1. Read every form of every page, as the persona who may see the page.
    fields_by_route: dict[str, set[str]] = {}
    for name, rule in pages.items():
        if "GET" not in rule.methods or rule.audience == Audience.DUTY:
            continue
        response = clients[PERSONA_FOR[rule.audience]].get(_url(world, name, rule))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        reader = _FormReader()
        reader.feed(response.content.decode())
        for action, names in reader.forms:
            target = _route_name(action) if action else name
            if target:
                fields_by_route.setdefault(target, set()).update(names)
    assert len(fields_by_route) >= 20, sorted(fields_by_route)  # the walk found the forms

    # 2. Post NUL in each field of each form (and in a query string of each page).
    failures = []
    before = _row_counts()
    posted = 0
    for name, rule in sorted(pages.items()):
        client = clients[PERSONA_FOR[rule.audience]]
        url = _url(world, name, rule)
        if "GET" in rule.methods:
            response = client.get(url, {"q": "x\x00y"})
            if response.status_code != 400 or MESSAGE not in response.content.decode():
                failures.append(("GET ?q", name, response.status_code))
        if "POST" not in rule.methods:
            continue
        for field in sorted(fields_by_route.get(name) or {"text"}):
            others = dict.fromkeys(fields_by_route.get(name, ()), "ok")
            for data in (others | {field: "x\x00y"}, others | {f"{field}\x00": "ok"}):
                response = client.post(url, data)
                posted += 1
                if response.status_code != 400 or MESSAGE not in response.content.decode():
                    failures.append(("POST", name, field, response.status_code))
    assert failures == []
    assert posted >= 100
    assert _row_counts() == before

    # 3. Every page still works.
    assert set(_pages_answer(world, clients).values()) == {200}


# --- API operations, from the OpenAPI schema -----------------------------------------------------


def _resolve_schema(spec, schema):
    while isinstance(schema, dict) and "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema or {}


def _string_paths(spec, schema, depth=0):
    """Paths (lists of keys) to every string, or free-form value, that a JSON body may hold."""
    schema = _resolve_schema(spec, schema)
    if depth > 6:
        return
    for variant in schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", []):
        yield from _string_paths(spec, variant, depth + 1)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        for key, sub in schema.get("properties", {}).items():
            if _resolve_schema(spec, sub).get("readOnly"):
                continue
            for rest in _string_paths(spec, sub, depth + 1):
                yield [key, *rest]
        if schema.get("additionalProperties") not in (None, False):
            yield ["*"]  # a free-form dictionary: keys and values
    elif kind == "array":
        for rest in _string_paths(spec, schema.get("items", {}), depth + 1):
            yield [0, *rest]
    elif kind in {"string", None}:
        yield []


def _body_with(path, bad: str) -> str:
    """A JSON text with ``bad`` (a JSON escape) at ``path``; ``*`` puts it in a key too."""
    value = f'"{bad}"'
    for key in reversed(path):
        if key == 0:
            value = f"[{value}]"
        elif key == "*":
            value = f'{{"{bad}": {value}}}'
        else:
            value = f'{{"{key}": {value}}}'
    return value


def _operations():
    spec = json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)
    )
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                schema = content["application/json"].get("schema", {})
                paths = list(_string_paths(spec, schema)) or [["text"]]
                yield path, method.upper(), paths


OPERATIONS = list(_operations())


def test_the_schema_walk_finds_the_api_bodies():
    methods = {(path, method) for path, method, _ in OPERATIONS}
    assert len(methods) >= 30
    every_path = [p for _path, _method, paths in OPERATIONS for p in paths]
    assert ["payload", "*"] in every_path  # the free-form goal proposal payload
    assert ["timezone"] in every_path


def test_every_api_text_input_refuses_nul_and_surrogates_and_stores_nothing():
    world = build_world()
    clients = {}
    for persona, user in world.users.items():
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        clients[persona] = client
    table = http_routes()
    failures = []
    before = _row_counts()
    for path_template, method, paths in OPERATIONS:
        concrete = path_template
        while "{" in concrete:
            start, end = concrete.index("{"), concrete.index("}")
            concrete = concrete[:start] + str(uuid.uuid4()) + concrete[end + 1 :]
        name = _route_name(concrete)
        rule = table.get(name or "")
        assert rule is not None, path_template
        url = _url(world, name, rule)
        client = clients[PERSONA_FOR[rule.audience]]
        send = getattr(client, method.lower())
        for path in paths:
            for bad in BAD_JSON_STRINGS:
                body = _body_with(path, bad)
                response = send(url, data=body.encode(), content_type="application/json")
                if rule.audience == Audience.DUTY:  # no duty persona: refused before parsing
                    ok = response.status_code in {400, 403}
                else:
                    ok = response.status_code == 400 and MESSAGE in response.content.decode()
                if not ok:
                    failures.append((method, path_template, path, bad, response.status_code))
    assert failures == []
    assert _row_counts() == before
    page_clients = _clients(world)
    assert set(_pages_answer(world, page_clients).values()) == {200}


# --- dates: every form and serializer field that takes one is bounded ----------------------------


def _project_classes(base) -> list[type]:
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".tests" in info.name or ".migrations" in info.name or "management" in info.name:
                continue
            importlib.import_module(info.name)
    found, pending = [], [base]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_APPS:
            found.append(cls)
    return found


BOUNDED = {validate_sensible_date, validate_plan_date}


def test_every_form_date_field_is_bounded():
    unbounded = []
    form_classes = _project_classes(forms.BaseForm)
    assert len(form_classes) >= 20
    for form_class in form_classes:
        for name, field in form_class.base_fields.items():
            is_date = isinstance(field, forms.DateField | forms.DateTimeField)
            if is_date and not BOUNDED & set(field.validators):
                unbounded.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert unbounded == []


def _date_properties(spec, schema) -> list[tuple[str, str]]:
    schema = _resolve_schema(spec, schema)
    found = []
    for variant in schema.get("allOf", []) + schema.get("oneOf", []):
        found += _date_properties(spec, variant)
    for key, sub in schema.get("properties", {}).items():
        sub = _resolve_schema(spec, sub)
        if sub.get("format") in {"date", "date-time"} and not sub.get("readOnly"):
            found.append((key, sub["format"]))
    return found


def test_every_api_date_input_is_bounded():
    """Found in the schema: each date an API body accepts refuses 9999-12-31 by name."""
    spec = json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)
    )
    world = build_world()
    table = http_routes()
    checked, failures = [], []
    for path_template, methods in spec["paths"].items():
        for method, operation in methods.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            for key, kind in _date_properties(spec, schema) if schema else []:
                concrete = path_template
                while "{" in concrete:
                    start, end = concrete.index("{"), concrete.index("}")
                    concrete = concrete[:start] + str(uuid.uuid4()) + concrete[end + 1 :]
                name = _route_name(concrete)
                rule = table[name]
                client = APIClient()
                client.force_authenticate(world.users[PERSONA_FOR[rule.audience]])
                value = "9999-12-31" if kind == "date" else "9999-12-31T00:00:00Z"
                response = getattr(client, method)(
                    _url(world, name, rule), {key: value}, format="json"
                )
                checked.append((method, path_template, key))
                errors = response.json() if response.status_code == 400 else {}
                if "Please give a date between" not in str(errors.get(key)):
                    failures.append((method, path_template, key, response.status_code, errors))
    assert len(checked) >= 5, checked
    assert failures == []
