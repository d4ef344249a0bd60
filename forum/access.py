"""Access table entries of the forum's pages (docs/forum.md).

Members are patients who joined: in the test world both patients have, so the member pages use
the patient audience (a patient who has not joined is taken to the joining page). The held
page shows the author's own waiting post: anyone else gets 404. The moderators' pages are for
moderators and forum admins; the spaces and peer supporters for forum admins only.
"""

from config.access import Audience, Rule

_topic = {"topic_id": "forum_topic"}
_post = {"post_id": "forum_post"}
_held = {"post_id": "forum_held"}

ROUTES = {
    "patient:forum_home": Rule(Audience.PATIENT),
    "patient:forum_join": Rule(
        Audience.PATIENT,
        methods=("GET", "POST"),
        ok={"GET": 302, "POST": 302},
        note="a member is taken to the forum; a patient who has not joined gets the form",
    ),
    "patient:forum_settings": Rule(
        Audience.PATIENT, methods=("GET", "POST"), ok={"POST": 302}, note="every field optional"
    ),
    "patient:forum_space": Rule(
        Audience.PATIENT,
        methods=("GET", "POST"),
        params={"slug": "forum_space_slug"},
        ok={"POST": 400},
    ),
    "patient:forum_topic": Rule(
        Audience.PATIENT, methods=("GET", "POST"), params=_topic, ok={"POST": 400}
    ),
    "patient:forum_report": Rule(
        Audience.PATIENT, methods=("GET", "POST"), params=_post, ok={"POST": 400}
    ),
    "patient:forum_profile_report": Rule(
        Audience.PATIENT,
        methods=("GET", "POST"),
        params={"member_id": "forum_member"},
        ok={"POST": 400},
    ),
    "patient:forum_helped": Rule(
        Audience.PATIENT, methods=("POST",), params=_post, ok={"POST": 302}
    ),
    "patient:forum_held": Rule(Audience.PATIENT_OWNER, params=_held),
    "patient:forum_appeal": Rule(Audience.PATIENT, methods=("POST",), ok={"POST": 400}),
    "patient:forum_peer_hide": Rule(
        Audience.PATIENT,
        methods=("POST",),
        params=_post,
        ok={"POST": 403},
        note="peer supporters only (a member without the role gets 403; tested in forum/tests)",
    ),
    "clinician:forum_queue": Rule(Audience.MODERATOR),
    "clinician:forum_post": Rule(
        Audience.MODERATOR, methods=("GET", "POST"), params=_post, ok={"POST": 400}
    ),
    "clinician:forum_concern": Rule(
        Audience.MODERATOR, methods=("POST",), params=_post, ok={"POST": 400}
    ),
    "clinician:forum_topic_action": Rule(
        Audience.MODERATOR, methods=("POST",), params=_topic, ok={"POST": 400}
    ),
    "clinician:forum_post_edit": Rule(
        Audience.MODERATOR, methods=("POST",), params=_post, ok={"POST": 400}
    ),
    "clinician:forum_profile_report_handled": Rule(
        Audience.MODERATOR,
        methods=("POST",),
        params={"report_id": "forum_profile_report"},
        ok={"POST": 302},
    ),
    "clinician:forum_member": Rule(
        Audience.MODERATOR,
        methods=("GET", "POST"),
        params={"member_id": "forum_member"},
        ok={"POST": 400},
    ),
    "clinician:forum_lookup": Rule(
        Audience.MODERATOR,
        methods=("POST",),
        params={"member_id": "forum_member"},
        ok={"POST": 400},
    ),
    "clinician:forum_member_kind": Rule(
        Audience.FORUM_ADMIN,
        methods=("POST",),
        params={"member_id": "forum_member"},
        ok={"POST": 400},
    ),
    "clinician:forum_spaces": Rule(Audience.FORUM_ADMIN, methods=("GET", "POST"), ok={"POST": 400}),
    "clinician:forum_programme_space": Rule(
        Audience.FORUM_ADMIN,
        methods=("POST",),
        ok={"POST": 302},
        note="an unknown programme is sent back to the spaces page with a message",
    ),
    "clinician:forum_space_edit": Rule(
        Audience.FORUM_ADMIN,
        methods=("GET", "POST"),
        params={"slug": "forum_space_slug"},
        ok={"POST": 400},
    ),
    # A GP or therapist takes part under a forum name with a professional badge; one without a
    # forum name is taken to the joining page (no clinician of the test world has one).
    "clinician:forum_take_part": Rule(
        Audience.CLINICIAN, methods=("GET", "POST"), ok={"POST": 400}
    ),
    "clinician:forum_browse": Rule(
        Audience.CLINICIAN, ok={"GET": 302}, note="a professional member gets the page (200)"
    ),
    "clinician:forum_topic_new": Rule(
        Audience.CLINICIAN,
        methods=("GET", "POST"),
        params={"slug": "forum_space_slug"},
        ok={"GET": 302, "POST": 302},
        note="a professional member gets the form (200), or 400 for an empty topic",
    ),
    "clinician:forum_thread": Rule(
        Audience.CLINICIAN,
        methods=("GET", "POST"),
        params=_topic,
        ok={"GET": 302, "POST": 302},
        note="a professional member gets the page (200), or 400 for an empty reply",
    ),
}
