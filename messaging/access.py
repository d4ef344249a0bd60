"""Access table entries of messaging: API, pages of both faces, and the live socket.

Threads use the workspace audiences: the owner and the active care-team members (no section
consent is needed for messaging). Changing a message is keyed by the thread in the URL and the
message in the body, so the route's audience is the thread's participants; only the sender may
actually change a message (tested in messaging/tests).
"""

from config.access import Audience, Rule

_thread = {"thread_id": "thread"}
_attachment = {"thread_id": "thread", "attachment_id": "attachment"}
_ws = {"workspace_id": "workspace"}

ROUTES = {
    "api:message-threads": Rule(
        Audience.AUTHENTICATED, api=True, note="filtered through the policy"
    ),
    "api:message-list": Rule(Audience.WORKSPACE, methods=("GET", "POST"), api=True, params=_thread),
    "api:message-edit": Rule(Audience.WORKSPACE, methods=("POST",), api=True, params=_thread),
    "api:message-remove": Rule(Audience.WORKSPACE, methods=("POST",), api=True, params=_thread),
    "api:message-attachment": Rule(
        Audience.WORKSPACE,
        api=True,
        params=_attachment,
        note="participants of the thread; a clinician's download is access-logged",
    ),
    "api:thread-read": Rule(Audience.WORKSPACE, methods=("POST",), api=True, params=_thread),
    "api:private-thread-open": Rule(
        Audience.WORKSPACE_OWNER, methods=("POST",), api=True, params=_ws
    ),
    "api:agreement-list": Rule(Audience.WORKSPACE, methods=("GET", "POST"), api=True, params=_ws),
    "api:agreement-acknowledge": Rule(
        Audience.WORKSPACE_OWNER, methods=("POST",), api=True, params=_ws
    ),
    # Patient face: the thread in the URL belongs to the owner's workspace.
    "patient:message_threads": Rule(Audience.PATIENT),
    "patient:message_private_open": Rule(Audience.PATIENT, methods=("POST",), ok={"POST": 302}),
    "patient:message_agreement_ack": Rule(Audience.PATIENT, methods=("POST",), ok={"POST": 302}),
    "patient:message_thread": Rule(
        Audience.PATIENT_OWNER, methods=("GET", "POST"), params=_thread, ok={"POST": 400}
    ),
    "patient:message_thread_edit": Rule(
        Audience.PATIENT_OWNER,
        methods=("GET", "POST"),
        params=_thread,
        ok={"GET": 400, "POST": 400},
        note="GET without ?message= (or someone else's) is a 400; only the sender edits",
    ),
    "patient:message_thread_remove": Rule(
        Audience.PATIENT_OWNER, methods=("POST",), params=_thread, ok={"POST": 400}
    ),
    "patient:message_thread_attachment": Rule(Audience.PATIENT_OWNER, params=_attachment),
    # Clinician face: active care-team members, no section consent needed.
    "clinician:inbox": Rule(Audience.CLINICIAN),
    "clinician:message_agreement": Rule(
        Audience.CARE_TEAM, methods=("GET", "POST"), params=_ws, ok={"POST": 400}
    ),
    "clinician:message_thread": Rule(
        Audience.CARE_TEAM, methods=("GET", "POST"), params=_thread, ok={"POST": 400}
    ),
    "clinician:message_thread_edit": Rule(
        Audience.CARE_TEAM,
        methods=("GET", "POST"),
        params=_thread,
        ok={"GET": 400, "POST": 400},
    ),
    "clinician:message_thread_remove": Rule(
        Audience.CARE_TEAM, methods=("POST",), params=_thread, ok={"POST": 400}
    ),
    "clinician:message_thread_attachment": Rule(
        Audience.CARE_TEAM, params=_attachment, note="every download is access-logged"
    ),
}

WEBSOCKET_ROUTES = {
    "ws/live/": Rule(
        Audience.AUTHENTICATED,
        note="Origin-checked, session-authenticated; every event re-checked against the policy",
    ),
}

WEBSOCKET_MESSAGES = {
    "resume": "catch up: {thread id: last sequence seen}; threads the user may not read are "
    "listed as not_found",
    "send": "post to a thread the user takes part in, with a client-generated id (stored once)",
    "read": "mark a thread read up to a sequence (a receipt for the other participants)",
    "ping": "keep-alive; refreshes the clinician's last-seen time",
}
