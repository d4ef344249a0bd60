from config.access import Audience, Rule

_ws = {"workspace_id": "workspace"}
_member = {"workspace_id": "workspace", "membership_id": "gp_membership"}

ROUTES = {
    "api:workspace-list": Rule(
        Audience.AUTHENTICATED, api=True, note="filtered through the policy"
    ),
    "api:workspace-detail": Rule(Audience.WORKSPACE, api=True, params=_ws),
    "api:member-list": Rule(Audience.WORKSPACE, api=True, params=_ws),
    "api:member-detail": Rule(
        Audience.WORKSPACE_OWNER, methods=("PATCH", "DELETE"), api=True, params=_member
    ),
    "api:member-sharing": Rule(
        Audience.WORKSPACE_OWNER, methods=("GET", "PUT"), api=True, params=_member
    ),
    "api:access-log": Rule(Audience.WORKSPACE_OWNER, api=True, params=_ws),
}

# Cover pages (clinician_app.cover). Cancelling is for the cover's two clinicians: in the test
# world the GP's cover is taken by the therapist, so the care-team audience is exactly them.
ROUTES |= {
    "clinician:covers": Rule(Audience.CLINICIAN, methods=("GET", "POST")),
    "api:cover-list": Rule(Audience.CLINICIAN, methods=("GET", "POST"), api=True),
    "clinician:cover_cancel": Rule(
        Audience.CARE_TEAM,
        methods=("POST",),
        params={"cover_id": "cover"},
        ok={"POST": 200},
        note="the absent clinician and the colleague only; 404 for anyone else",
    ),
    "api:cover-detail": Rule(
        Audience.CARE_TEAM,
        methods=("DELETE",),
        api=True,
        params={"cover_id": "cover"},
        note="cancels; the absent clinician and the colleague only; 404 for anyone else",
    ),
}
