from config.access import Audience, Rule

_ws = {"workspace_id": "workspace"}
_response = {"workspace_id": "workspace", "response_id": "measure_response"}

ROUTES = {
    # The patient's own pages (the workspace is always the signed-in patient's own).
    "patient:measures": Rule(Audience.PATIENT),
    "patient:measure_start": Rule(
        Audience.PATIENT, methods=("POST",), ok={"POST": 400}, note="empty body: no instrument"
    ),
    "patient:measure_response": Rule(
        Audience.PATIENT_OWNER,
        methods=("GET", "POST"),
        params={"response_id": "measure_response"},
        ok={"POST": 302},
        note="an empty POST saves nothing and returns to the list",
    ),
    "patient:measures_support": Rule(Audience.PATIENT),
    "patient:measures_personal": Rule(Audience.PATIENT, methods=("GET", "POST"), ok={"POST": 400}),
    "patient:measures_reminder_open": Rule(
        Audience.PUBLIC,
        params={"token": "bad_token"},
        ok={"GET": 302},
        note="a signed token; it only marks a reminder opened, then redirects",
    ),
    # The care team's pages.
    "clinician:measures": Rule(Audience.CARE_TEAM_SECTION, section="measures", params=_ws),
    "clinician:measures_schedule": Rule(
        Audience.CARE_TEAM_SECTION,
        section="measures",
        methods=("POST",),
        params=_ws,
        ok={"POST": 400},
    ),
    # The API.
    "api:measure-instrument-list": Rule(Audience.AUTHENTICATED, api=True),
    "api:measure-response-list": Rule(
        Audience.WORKSPACE_SECTION,
        section="measures",
        methods=("GET", "POST"),
        api=True,
        params=_ws,
        note="POST is the owner's only; a care-team member gets 403",
    ),
    "api:measure-response-detail": Rule(
        Audience.WORKSPACE_SECTION,
        section="measures",
        methods=("GET", "PATCH"),
        api=True,
        params=_response,
    ),
    "api:measure-response-complete": Rule(
        Audience.WORKSPACE_OWNER,
        methods=("POST",),
        api=True,
        params=_response,
    ),
    "api:measure-trend-list": Rule(
        Audience.WORKSPACE_SECTION, section="measures", api=True, params=_ws
    ),
    "api:measure-schedule-list": Rule(
        Audience.WORKSPACE_SECTION,
        section="measures",
        methods=("GET", "PUT"),
        api=True,
        params=_ws,
    ),
    "api:measure-reminder-list": Rule(
        Audience.WORKSPACE_SECTION, section="measures", api=True, params=_ws
    ),
    "api:measure-fhir": Rule(Audience.WORKSPACE_SECTION, section="measures", api=True, params=_ws),
}
