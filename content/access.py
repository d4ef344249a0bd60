"""Routes of the programme: content (any signed-in user), the patient's reader and answers, the
clinician's prescribing and the progress/answers API."""

from config.access import Audience, Rule

_ws = {"workspace_id": "workspace"}

ROUTES = {
    # --- API: content is not patient data; any signed-in user may read published content.
    "api:programme-list": Rule(Audience.AUTHENTICATED, api=True),
    "api:programme-detail": Rule(
        Audience.AUTHENTICATED, api=True, params={"programme_id": "programme"}
    ),
    "api:programme-media": Rule(
        Audience.AUTHENTICATED,
        api=True,
        params={"programme_id": "programme", "name": "programme_media_name"},
    ),
    "api:programme-page-detail": Rule(
        Audience.AUTHENTICATED, api=True, params={"page_id": "programme_page"}
    ),
    "api:exercise-list": Rule(Audience.AUTHENTICATED, api=True),
    "api:exercise-detail": Rule(
        Audience.AUTHENTICATED, api=True, params={"exercise_id": "exercise"}
    ),
    # --- API: the patient's progress (section "progress") and answers (section "journal").
    "api:programme-progress": Rule(
        Audience.WORKSPACE_SECTION, api=True, section="progress", params=_ws
    ),
    "api:answer-list": Rule(Audience.WORKSPACE_SECTION, api=True, section="journal", params=_ws),
    "api:answer-save": Rule(
        Audience.WORKSPACE_OWNER,
        methods=("PUT",),
        api=True,
        params={"workspace_id": "workspace", "exercise_id": "exercise"},
    ),
    "api:answer-feedback": Rule(
        Audience.WORKSPACE_SECTION,
        methods=("POST",),
        api=True,
        section="journal",
        params={"workspace_id": "workspace", "answer_id": "answer"},
        note="the owner is refused with 400: only care-team members reply",
    ),
    "api:page-progress": Rule(
        Audience.WORKSPACE_OWNER,
        methods=("PUT",),
        api=True,
        params={"workspace_id": "workspace", "page_id": "programme_page"},
    ),
    "api:enrolment-create": Rule(
        Audience.WORKSPACE,
        methods=("POST",),
        api=True,
        params=_ws,
        note="the owner starts a programme; a care-team member prescribes one",
    ),
    # --- patient pages: their own programme (the workspace is always the signed-in patient's).
    "patient:programme_overview": Rule(Audience.PATIENT),
    "patient:programme_continue": Rule(Audience.PATIENT, ok={"GET": 302}),
    "patient:programme_start": Rule(
        Audience.PATIENT,
        methods=("POST",),
        params={"programme_id": "programme"},
        ok={"POST": 302},
    ),
    "patient:programme_pause": Rule(
        Audience.PATIENT_OWNER,
        methods=("POST",),
        params={"enrolment_id": "enrolment"},
        ok={"POST": 302},
    ),
    "patient:programme_module": Rule(
        Audience.PATIENT, params={"module_id": "programme_module"}, ok={"GET": 302}
    ),
    "patient:programme_try": Rule(
        Audience.PATIENT,
        methods=("POST",),
        params={"module_id": "programme_module"},
        ok={"POST": 400},  # the matrix posts no action: a clear 400, nothing made
    ),
    "patient:programme_page": Rule(
        Audience.PATIENT, methods=("GET", "POST"), params={"page_id": "programme_page"}
    ),
    "patient:exercise_library": Rule(Audience.PATIENT),
    "patient:exercise_detail": Rule(
        Audience.PATIENT, methods=("GET", "POST"), params={"exercise_id": "exercise"}
    ),
    "patient:programme_takeaways": Rule(Audience.PATIENT),
    # --- clinician pages
    "clinician:programme_prescribe": Rule(Audience.CARE_TEAM, methods=("GET", "POST"), params=_ws),
    "clinician:programme_answer_feedback": Rule(
        Audience.CARE_TEAM_SECTION,
        methods=("POST",),
        section="journal",
        params={"workspace_id": "workspace", "answer_id": "answer"},
        ok={"POST": 302},
    ),
    "clinician:programme_answers": Rule(Audience.CARE_TEAM_SECTION, section="journal", params=_ws),
}
