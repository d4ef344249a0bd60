from config.access import Audience, Rule

_member = {"membership_id": "gp_membership"}

ROUTES = {
    "patient:dashboard": Rule(Audience.PATIENT),
    "patient:help": Rule(Audience.PATIENT),
    # The offline helper (docs/phone-app.md): content only, for the patient's own pages.
    "patient:service_worker": Rule(Audience.PATIENT, note="the service worker script"),
    "patient:offline": Rule(Audience.PATIENT, note="the page shown without a connection"),
    "patient:care_team": Rule(Audience.PATIENT),
    # The membership in the URL belongs to the owner's workspace: another patient gets 404.
    "patient:care_team_accept": Rule(
        Audience.PATIENT_OWNER, methods=("POST",), params=_member, ok={"POST": 302}
    ),
    "patient:care_team_end": Rule(
        Audience.PATIENT_OWNER, methods=("POST",), params=_member, ok={"POST": 200}
    ),
    "patient:care_team_lead": Rule(
        Audience.PATIENT_OWNER, methods=("POST",), params=_member, ok={"POST": 302}
    ),
    "patient:care_team_keep": Rule(
        Audience.PATIENT_OWNER, methods=("POST",), params=_member, ok={"POST": 302}
    ),
    "patient:courses": Rule(Audience.PATIENT),
    "patient:reminders": Rule(Audience.PATIENT, methods=("GET", "POST"), ok={"POST": 400}),
    "patient:reminder_open": Rule(
        Audience.PATIENT,
        params={"token": "bad_token"},
        ok={"GET": 302},
        note="a bad or another person's link marks nothing and goes to Today",
    ),
    "patient:push_subscribe": Rule(Audience.PATIENT, methods=("POST",), ok={"POST": 400}),
    "patient:push_unsubscribe": Rule(Audience.PATIENT, methods=("POST",), ok={"POST": 400}),
    "patient:relatives": Rule(Audience.PATIENT, methods=("GET", "POST"), ok={"POST": 400}),
    "patient:relative_update": Rule(
        Audience.PATIENT_OWNER,
        methods=("POST",),
        params={"access_id": "relative_access"},
        ok={"POST": 400},
    ),
    "patient:relative_revoke": Rule(
        Audience.PATIENT_OWNER,
        methods=("POST",),
        params={"access_id": "relative_access"},
        ok={"POST": 200},
        note="asks first (a confirmation page)",
    ),
    "patient:course_end": Rule(
        Audience.PATIENT,
        methods=("POST",),
        ok={"POST": 200},
        note="asks first (a confirmation page); a patient without an open course is told so (302)",
    ),
    "patient:course_detail": Rule(Audience.PATIENT_OWNER, params={"course_id": "course"}),
    "patient:sharing": Rule(Audience.PATIENT),
    "patient:sharing_update": Rule(
        Audience.PATIENT_OWNER, methods=("POST",), params=_member, ok={"POST": 302}
    ),
    "patient:access_log": Rule(Audience.PATIENT),
    "patient:my_data": Rule(Audience.PATIENT),
    "patient:my_data_prepare": Rule(Audience.PATIENT, methods=("POST",), ok={"POST": 400}),
    "patient:my_data_download": Rule(
        Audience.PATIENT_OWNER, params={"export_id": "data_export"}, note="a prepared download"
    ),
    "patient:erase": Rule(
        Audience.PATIENT,
        methods=("GET", "POST"),
        ok={"POST": 400},
        note="an empty POST deletes nothing and says why",
    ),
    "patient:invitation": Rule(
        Audience.PUBLIC,
        methods=("GET", "POST"),
        params={"token": "bad_token"},
        ok={"GET": 400, "POST": 400},
        note="a signed token is the credential",
    ),
}
