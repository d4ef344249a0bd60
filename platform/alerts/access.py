from config.access import Audience, Rule

_alert = {"alert_id": "alert"}
_ws = {"workspace_id": "workspace"}

# The world's alert is an inactivity alert: it reveals progress, so only members the patient
# shares progress with may see it (the therapist, a member without it: 403 "not shared").
ROUTES = {
    "clinician:alert_list": Rule(Audience.CLINICIAN, note="filtered through alerts.policies"),
    "clinician:alert_detail": Rule(Audience.CARE_TEAM_SECTION, section="progress", params=_alert),
    "clinician:alert_acknowledge": Rule(
        Audience.CARE_TEAM_SECTION,
        methods=("POST",),
        section="progress",
        params=_alert,
        ok={"POST": 302},
    ),
    "clinician:alert_resolve": Rule(
        Audience.CARE_TEAM_SECTION,
        methods=("POST",),
        section="progress",
        params=_alert,
        note="empty note: the form again with an error",
    ),
    "clinician:duty": Rule(Audience.DUTY, note="the duty contact's queue; alerts.policies"),
    "clinician:cadence_edit": Rule(Audience.CARE_TEAM, methods=("GET", "POST"), params=_ws),
    "clinician:review_new": Rule(Audience.CARE_TEAM, methods=("GET", "POST"), params=_ws),
}

ROUTES |= {
    "api:caseload": Rule(Audience.CLINICIAN, api=True, note="filtered through the policy"),
    "api:alert-list": Rule(Audience.CLINICIAN, api=True, note="filtered through alerts.policies"),
    "api:alert-detail": Rule(
        Audience.CARE_TEAM_SECTION, api=True, section="progress", params=_alert
    ),
    "api:alert-acknowledge": Rule(
        Audience.CARE_TEAM_SECTION,
        methods=("POST",),
        api=True,
        section="progress",
        params=_alert,
        ok={"POST": 200},
    ),
    "api:alert-resolve": Rule(
        Audience.CARE_TEAM_SECTION, methods=("POST",), api=True, section="progress", params=_alert
    ),
    "api:cadence": Rule(Audience.CARE_TEAM, methods=("GET", "PUT"), api=True, params=_ws),
    "api:review-list": Rule(Audience.CARE_TEAM, methods=("GET", "POST"), api=True, params=_ws),
}
