"""The authorization matrix: every (route, method, persona) cell asserts its status.

The expected status comes from the route's audience in the access table; the URL parameters
always point at the *owner's* objects, so a cell for another persona is also an id-substitution
test. No response seen by anyone outside the owner's care team may contain the owner's canary.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from config.access import NAMESPACE_RULES, Audience, Rule, http_routes
from tests.authz.inventory import iter_named_routes
from tests.world import OWNER_CANARY, PERSONAS, build_world

PATIENTS = {"owner", "other_patient"}
CLINICIANS = {"gp", "therapist", "revoked", "outsider", "foreign"}
MEMBERS = {"gp", "therapist"}
SECTION_SHARED = {"gp"}
RELATIVE_SECTIONS = {"crisis_plan", "goals"}  # what the owner shares with the world's relative
RELATIVES = {"relative", "relative_expired", "relative_revoked"}
SIGNED_OUT = {"anonymous", "deactivated"}  # a deactivated user's session no longer loads
# Personas who must never see the owner's data in any response.
STRANGERS = {
    "other_patient", "revoked", "outsider", "foreign", "staff", "moderator",
    "forum_admin", "manager", "relative", "relative_expired", "relative_revoked", "anonymous",
    "deactivated",
}  # fmt: skip


def allowed_status(rule: Rule, method: str) -> int:
    if method in rule.ok:
        return rule.ok[method]
    if method == "GET":
        return 200
    if method == "DELETE":
        return 204
    return 400 if rule.api else 200


def expected_status(rule: Rule, method: str, persona: str) -> int:
    ok = allowed_status(rule, method)
    if persona not in SIGNED_OUT and method in rule.signed_in_ok:
        ok = rule.signed_in_ok[method]
    if rule.audience == Audience.PUBLIC:
        return ok
    if persona in SIGNED_OUT:
        if rule.audience == Audience.STAFF:
            return 302
        return 401 if rule.api else 302
    denied_role = 403
    match rule.audience:
        case Audience.AUTHENTICATED:
            return ok
        case Audience.PATIENT:
            return ok if persona in PATIENTS else denied_role
        case Audience.CLINICIAN:
            return ok if persona in CLINICIANS else denied_role
        case Audience.STAFF:
            return ok if persona == "staff" else 302
        case Audience.WORKSPACE:
            return ok if persona in MEMBERS | {"owner"} else 404
        case Audience.WORKSPACE_OWNER:
            return ok if persona == "owner" else 404
        case Audience.WORKSPACE_SECTION:
            if persona in SECTION_SHARED | {"owner"}:
                return ok
            return 403 if persona in MEMBERS else 404
        case Audience.PATIENT_OWNER:
            if persona not in PATIENTS:
                return denied_role
            return ok if persona == "owner" else 404
        case Audience.MODERATOR:
            return ok if persona in {"moderator", "forum_admin"} else denied_role
        case Audience.FORUM_ADMIN:
            return ok if persona == "forum_admin" else denied_role
        case Audience.MANAGER:
            return ok if persona == "manager" else denied_role
        case Audience.RELATIVE:
            return ok if persona in RELATIVES else denied_role
        case Audience.RELATIVE_SECTION:
            # The world's relative has a current access to the owner's crisis plan and goal
            # ladders, not their habits or check-ins (404: not told what else exists); expired
            # and revoked access are walked in relative_app/tests.
            if persona not in RELATIVES:
                return denied_role
            if persona != "relative":  # expired or revoked: nothing exists for them
                return 404
            return ok if rule.section in RELATIVE_SECTIONS else 404
        case Audience.DUTY:
            # No persona of the world is a duty contact: duty access has its own tests
            # (platform/alerts/tests/test_safety_loop.py).
            return denied_role
        case Audience.CARE_TEAM | Audience.CARE_TEAM_SECTION:
            if persona not in CLINICIANS:
                return denied_role
            if persona not in MEMBERS:
                return 404
            if rule.audience == Audience.CARE_TEAM_SECTION and persona not in SECTION_SHARED:
                return 403
            return ok
    raise AssertionError(f"no expectation for {rule.audience}")


def _cells():
    table = http_routes()
    routes = {name: route for name, route in iter_named_routes() if name}
    sample_admin = {"admin:index", "admin:accounts_organisation_changelist"}
    for name in sorted(routes):
        namespace = name.split(":", 1)[0]
        if name in table:
            rule = table[name]
        elif namespace in NAMESPACE_RULES and name in sample_admin:
            rule = NAMESPACE_RULES[namespace]
        else:
            continue
        for method in rule.methods:
            for persona in PERSONAS:
                yield pytest.param(name, rule, method, persona, id=f"{name}-{method}-{persona}")


CELLS = list(_cells())


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """One world per worker for every cell, as Django's ``setUpTestData`` does it: built inside
    an outer transaction that is rolled back after the last cell, while each cell runs in its
    own savepoint (the ``db`` fixture), so whatever a cell changes is gone before the next one.
    Building the world for each of the thousands of cells took most of the suite's time."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "rule", "method", "persona"), CELLS)
def test_matrix_cell(shared_world, client, name, rule, method, persona):
    world = shared_world
    user = world.users[persona]
    if user is not None:
        client.force_login(user, backend="accounts.backends.EmailBackend")
    kwargs = {key: world.resolve(obj) for key, obj in rule.params.items()}
    url = reverse(name, kwargs=kwargs)
    send = getattr(client, method.lower())
    if rule.api and method != "GET":
        response = send(url, data="{}", content_type="application/json")
    else:
        response = send(url)
    expected = expected_status(rule, method, persona)
    assert response.status_code == expected, (
        f"{method} {url} as {persona}: got {response.status_code}, expected {expected}"
    )
    # The relative sees what the owner shares with them (with the owner's name) on their own
    # pages, and nothing of the owner anywhere else.
    relatives_own = persona == "relative" and rule.audience in (
        Audience.RELATIVE,
        Audience.RELATIVE_SECTION,
    )
    if persona in STRANGERS and not relatives_own:
        body = response.content.decode(errors="replace")
        assert OWNER_CANARY not in body, f"{method} {url} leaked the owner's canary to {persona}"


def test_matrix_covers_every_persona_and_route():
    names = {cell.values[0] for cell in CELLS}
    assert set(http_routes()) <= names
    assert len(CELLS) >= len(names) * len(PERSONAS)
