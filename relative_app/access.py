"""Access table entries of the relative's face (docs/relatives.md)."""

from config.access import Audience, Rule

ROUTES = {
    "relative:home": Rule(Audience.RELATIVE),
    "relative:crisis_plan": Rule(
        Audience.RELATIVE_SECTION, params={"workspace_id": "workspace"}, section="crisis_plan"
    ),
    "relative:suggest": Rule(
        Audience.RELATIVE_SECTION,
        methods=("POST",),
        params={"workspace_id": "workspace"},
        section="crisis_plan",
        ok={"POST": 400},
    ),
    "relative:goals": Rule(
        Audience.RELATIVE_SECTION, params={"workspace_id": "workspace"}, section="goals"
    ),
    "relative:habits": Rule(
        Audience.RELATIVE_SECTION, params={"workspace_id": "workspace"}, section="habits"
    ),
    "relative:checkins": Rule(
        Audience.RELATIVE_SECTION, params={"workspace_id": "workspace"}, section="checkins"
    ),
    "relative:journal": Rule(
        Audience.RELATIVE_SECTION, params={"workspace_id": "workspace"}, section="journal"
    ),
    "relative:invitation": Rule(
        Audience.PUBLIC,
        methods=("GET", "POST"),
        params={"token": "bad_token"},
        ok={"GET": 400, "POST": 400},
        note="a signed token is the credential",
    ),
}
