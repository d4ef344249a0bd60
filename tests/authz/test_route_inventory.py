"""Every route must be classified in the access table (config/access.py + each app's access.py)."""

from django.conf import settings

from config.access import (
    NAMESPACE_RULES,
    Audience,
    http_routes,
    websocket_messages,
    websocket_routes,
)
from config.routing import websocket_urlpatterns
from tests.authz.inventory import iter_named_routes


def _covered(name: str, table: dict) -> bool:
    return name in table or name.split(":", 1)[0] in NAMESPACE_RULES


def test_every_http_route_is_named_and_classified():
    table = http_routes()
    unnamed = [
        route
        for name, route in iter_named_routes()
        if name is None and route.split("/", 1)[0] not in NAMESPACE_RULES
    ]
    unclassified = [name for name, _ in iter_named_routes() if name and not _covered(name, table)]
    assert unnamed == [], f"name these routes so they can be classified: {unnamed}"
    assert unclassified == [], f"add these routes to an access.py ROUTES table: {unclassified}"


def test_access_table_has_no_stale_entries():
    names = {name for name, _ in iter_named_routes() if name}
    stale = sorted(set(http_routes()) - names)
    assert stale == [], f"these access-table entries match no route: {stale}"


def test_every_websocket_route_is_classified():
    table = websocket_routes()
    paths = [str(pattern.pattern) for pattern in websocket_urlpatterns]
    assert sorted(set(paths) - set(table)) == []
    assert sorted(set(table) - set(paths)) == []


def test_every_inbound_websocket_message_type_is_documented():
    """Consumers declare the inbound types they handle; each must be in the table."""
    from importlib import import_module

    declared = set()
    for pattern in websocket_urlpatterns:
        consumer = getattr(pattern.callback, "consumer_class", None)
        declared |= set(getattr(consumer, "inbound_types", ()))
    assert declared == set(websocket_messages())
    _ = import_module  # keep the import local to this test's intent


def test_public_routes_are_an_explicit_short_list():
    public = sorted(
        name for name, rule in http_routes().items() if rule.audience == Audience.PUBLIC
    )
    assert public == sorted(
        [
            "healthz",
            "design",
            "api-schema",
            "api-docs",
            "accounts:login",
            "accounts:logout",
            "accounts:set_language",
            "accounts:password_reset",
            "accounts:password_reset_done",
            "accounts:password_reset_confirm",
            "accounts:password_reset_complete",
            "patient:invitation",
            "relative:invitation",  # a signed, single-use token is the credential
            "patient:measures_reminder_open",
            # Content only: the favicon, the app manifest and the help and trust pages.
            "favicon",
            "manifest",
            "help:index",
            "help:getting_started",
            "help:programme",
            "help:tools",
            "help:messages",
            "help:sharing",
            "help:caseload",
            "help:alerts",
            "help:cover",
            "help:accessibility",
            "help:privacy",
        ]
    )


def test_api_default_permission_is_never_allow_any():
    classes = settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]
    assert classes and "rest_framework.permissions.AllowAny" not in classes
