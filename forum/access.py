"""Access table entries of the forum's pages (docs/forum.md).

Members are patients who joined: in the test world both patients have, so the member pages use
the patient audience (a patient who has not joined is taken to the joining page). The held
page shows the author's own waiting post: anyone else gets 404. The moderators' pages are for
the moderator role only.
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
}
