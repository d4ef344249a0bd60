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
        ok={"POST": 302},
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
        ok={"POST": 302},
    ),
    "patient:journal": Rule(Audience.PATIENT, methods=("GET", "POST")),
    "patient:journal_edit": Rule(
        Audience.PATIENT_OWNER, methods=("GET", "POST"), params={"entry_id": "journal_entry"}
    ),
    "patient:journal_remove": Rule(
        Audience.PATIENT_OWNER,
        methods=("POST",),
        params={"entry_id": "journal_entry"},
        ok={"POST": 302},
    ),
}
