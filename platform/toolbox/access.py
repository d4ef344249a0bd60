from config.access import Audience, Rule

_ws = {"workspace_id": "workspace"}

# Patient pages (their own toolbox). Routes with an id point at the *owner's* object: another
# patient gets 404. An empty POST re-renders the form with errors (200) or redirects (302).
ROUTES = {
    "patient:crisis_plan": Rule(Audience.PATIENT, note="must work with no Redis and no JS"),
    "patient:crisis_item_add": Rule(Audience.PATIENT, methods=("POST",)),
    "patient:crisis_item_edit": Rule(
        Audience.PATIENT_OWNER, methods=("GET", "POST"), params={"item_id": "crisis_item"}
    ),
    "patient:crisis_item_remove": Rule(
        Audience.PATIENT_OWNER,
        methods=("POST",),
        params={"item_id": "crisis_item"},
        ok={"POST": 200},
    ),
    "patient:crisis_suggestion_decide": Rule(
        Audience.PATIENT_OWNER,
        methods=("POST",),
        params={"suggestion_id": "crisis_suggestion"},
        ok={"POST": 302},
    ),
    "patient:checkin_today": Rule(Audience.PATIENT, methods=("GET", "POST")),
    "patient:checkin_history": Rule(Audience.PATIENT),
    "patient:checkin_trends": Rule(Audience.PATIENT),
    "patient:checkin_privacy": Rule(
        Audience.PATIENT_OWNER,
        methods=("POST",),
        params={"checkin_id": "checkin"},
        ok={"POST": 302},
    ),
    "patient:network": Rule(Audience.PATIENT, methods=("GET", "POST")),
    "patient:network_edit": Rule(
        Audience.PATIENT_OWNER, methods=("GET", "POST"), params={"contact_id": "network_contact"}
    ),
    "patient:network_remove": Rule(
        Audience.PATIENT_OWNER,
        methods=("POST",),
        params={"contact_id": "network_contact"},
        ok={"POST": 200},
    ),
    "patient:journal": Rule(Audience.PATIENT, methods=("GET", "POST")),
    "patient:journal_edit": Rule(
        Audience.PATIENT_OWNER, methods=("GET", "POST"), params={"entry_id": "journal_entry"}
    ),
    "patient:journal_remove": Rule(
        Audience.PATIENT_OWNER,
        methods=("POST",),
        params={"entry_id": "journal_entry"},
        ok={"POST": 200},
    ),
}

# Clinician pages about one patient: active care-team members with the section shared.
ROUTES |= {
    "clinician:crisis_plan": Rule(
        Audience.CARE_TEAM_SECTION,
        methods=("GET", "POST"),
        section="crisis_plan",
        params=_ws,
        note="POST sends a suggestion the patient accepts or declines",
    ),
    "clinician:checkins": Rule(Audience.CARE_TEAM_SECTION, section="checkins", params=_ws),
    "clinician:network": Rule(Audience.CARE_TEAM_SECTION, section="network_map", params=_ws),
    "clinician:journal": Rule(Audience.CARE_TEAM_SECTION, section="journal", params=_ws),
}

# API: reads for the owner and members the section is shared with; writes for the owner only
# (a crisis-plan suggestion for members with the crisis plan shared).
_api_owner = Audience.WORKSPACE_OWNER
ROUTES |= {
    "api:checkin-list": Rule(Audience.WORKSPACE_SECTION, api=True, section="checkins", params=_ws),
    "api:checkin-save": Rule(_api_owner, methods=("POST",), api=True, params=_ws),
    "api:checkin-privacy": Rule(
        _api_owner,
        methods=("PATCH",),
        api=True,
        params={**_ws, "checkin_id": "checkin"},
    ),
    "api:crisis-plan": Rule(
        Audience.WORKSPACE_SECTION, api=True, section="crisis_plan", params=_ws
    ),
    "api:crisis-item-list": Rule(_api_owner, methods=("POST",), api=True, params=_ws),
    "api:crisis-item-detail": Rule(
        _api_owner, methods=("DELETE",), api=True, params={**_ws, "item_id": "crisis_item"}
    ),
    "api:crisis-suggestion-list": Rule(
        Audience.WORKSPACE_SECTION,
        methods=("POST",),
        api=True,
        section="crisis_plan",
        params=_ws,
        note="members suggest; the owner is told to add directly (400)",
    ),
    "api:crisis-suggestion-decision": Rule(
        _api_owner,
        methods=("POST",),
        api=True,
        params={**_ws, "suggestion_id": "crisis_suggestion"},
    ),
    "api:network-list": Rule(
        Audience.WORKSPACE_SECTION, api=True, section="network_map", params=_ws
    ),
    "api:network-contact-list": Rule(_api_owner, methods=("POST",), api=True, params=_ws),
    "api:network-contact-detail": Rule(
        _api_owner,
        methods=("PATCH", "DELETE"),
        api=True,
        params={**_ws, "contact_id": "network_contact"},
    ),
    "api:journal-list": Rule(Audience.WORKSPACE_SECTION, api=True, section="journal", params=_ws),
    "api:journal-entry-list": Rule(_api_owner, methods=("POST",), api=True, params=_ws),
    "api:journal-entry-detail": Rule(
        _api_owner,
        methods=("PATCH", "DELETE"),
        api=True,
        params={**_ws, "entry_id": "journal_entry"},
    ),
}
