"""The machine-readable access table: who may reach every route of the platform.

Each app declares its routes in its own ``access.py`` as ``ROUTES`` (URL name -> Rule) and, for
websockets, ``WEBSOCKET_ROUTES`` (path -> Rule) and ``WEBSOCKET_MESSAGES`` (inbound type ->
description). ``tests/authz`` walks every URL pattern, DRF route and websocket route and fails
if one is missing here; the authorization matrix derives the expected status of each
(route, method, persona) cell from the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Audience(StrEnum):
    PUBLIC = "public"  # anyone, signed in or not (explicit allow-list)
    AUTHENTICATED = "authenticated"  # any signed-in, active user
    PATIENT = "patient"  # signed-in patients: their own pages
    CLINICIAN = "clinician"  # signed-in GPs and therapists
    STAFF = "staff"  # the admin site (staff only)
    WORKSPACE = "workspace"  # the owner and active care-team members of the workspace in the URL
    WORKSPACE_OWNER = "workspace_owner"  # only the patient who owns the workspace in the URL
    WORKSPACE_SECTION = "workspace_section"  # owner, and members the section is shared with
    PATIENT_OWNER = "patient_owner"  # patient pages about an object of the owner's workspace
    CARE_TEAM = "care_team"  # clinician pages about one workspace: its active members only
    CARE_TEAM_SECTION = "care_team_section"  # ... and only if the section is shared with them
    DUTY = "duty"  # signed-in duty contacts: their organisation's escalated alerts
    MODERATOR = "moderator"  # signed-in forum moderators: the forum's queue, posts and members
    FORUM_ADMIN = "forum_admin"  # signed-in forum admins: the forum's spaces and peer supporters
    MANAGER = "manager"  # an organisation's managers: the service report's aggregates
    RELATIVE = "relative"  # signed-in relatives and trusted people: what is shared with them
    # relative pages about one workspace: a current access that includes the rule's section
    RELATIVE_SECTION = "relative_section"


@dataclass(frozen=True)
class Rule:
    audience: Audience
    methods: tuple[str, ...] = ("GET",)
    api: bool = False
    section: str | None = None
    # URL kwarg -> name of an object in the test world (tests/world.py), e.g. "workspace".
    params: dict[str, str] = field(default_factory=dict)
    # Expected status for an allowed actor sending an empty body, per method, where it is not
    # the default (GET 200; page POST 200; API POST/PUT/PATCH 400; DELETE 204).
    ok: dict[str, int] = field(default_factory=dict)
    # Where a signed-in actor gets something else than a signed-out one (the login page
    # redirects a signed-in user home).
    signed_in_ok: dict[str, int] = field(default_factory=dict)
    note: str = ""


# Namespaces whose every route is covered by one rule (the Django admin has hundreds).
NAMESPACE_RULES: dict[str, Rule] = {
    "admin": Rule(Audience.STAFF, note="Django admin: organisations and accounts only"),
}


def _collect(attribute: str) -> dict:
    from config import site_access
    from config.discovery import app_modules

    table: dict = dict(getattr(site_access, attribute, {}))
    for app, module in app_modules("access"):
        entries = getattr(module, attribute, {})
        overlap = set(table) & set(entries)
        if overlap:
            raise RuntimeError(f"{app}.access declares {sorted(overlap)} twice")
        table.update(entries)
    return table


def http_routes() -> dict[str, Rule]:
    return _collect("ROUTES")


def websocket_routes() -> dict[str, Rule]:
    return _collect("WEBSOCKET_ROUTES")


def websocket_messages() -> dict[str, str]:
    return _collect("WEBSOCKET_MESSAGES")
