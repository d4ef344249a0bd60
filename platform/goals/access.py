from config.access import Audience, Rule

_ladder = {"ladder_id": "ladder"}
_step = {"step_id": "step"}
_proposal = {"proposal_id": "goal_proposal"}
_habit = {"habit_id": "habit"}
_ws = {"workspace_id": "workspace"}
_g = {"section": "goals"}
_h = {"section": "habits"}

# Patient pages: their own workspace only. An empty POST re-renders the form with errors (400)
# or, for one-button actions, redirects back with a message (302).
PATIENT_ROUTES = {
    "patient:goal_list": Rule(Audience.PATIENT),
    "patient:goal_ladder_create": Rule(Audience.PATIENT, methods=("POST",), ok={"POST": 400}),
    "patient:goal_ladder": Rule(Audience.PATIENT_OWNER, params=_ladder),
    "patient:goal_ladder_edit": Rule(
        Audience.PATIENT_OWNER, methods=("GET", "POST"), params=_ladder, ok={"POST": 400}
    ),
    "patient:goal_ladder_archive": Rule(
        Audience.PATIENT_OWNER, methods=("POST",), params=_ladder, ok={"POST": 302}
    ),
    "patient:goal_step_add": Rule(
        Audience.PATIENT_OWNER, methods=("POST",), params=_ladder, ok={"POST": 400}
    ),
    "patient:goal_comment_add": Rule(
        Audience.PATIENT_OWNER, methods=("POST",), params=_ladder, ok={"POST": 400}
    ),
    "patient:goal_history": Rule(Audience.PATIENT_OWNER, params=_ladder),
    "patient:goal_step_edit": Rule(
        Audience.PATIENT_OWNER, methods=("GET", "POST"), params=_step, ok={"POST": 400}
    ),
    "patient:goal_step_reflect": Rule(
        Audience.PATIENT_OWNER, methods=("GET", "POST"), params=_step, ok={"POST": 400}
    ),
    "patient:goal_step_state": Rule(
        Audience.PATIENT_OWNER, methods=("POST",), params=_step, ok={"POST": 302}
    ),
    "patient:goal_step_move": Rule(
        Audience.PATIENT_OWNER, methods=("POST",), params=_step, ok={"POST": 302}
    ),
    "patient:goal_step_habit": Rule(
        Audience.PATIENT_OWNER, methods=("GET", "POST"), params=_step, ok={"POST": 400}
    ),
    "patient:goal_proposal": Rule(
        Audience.PATIENT_OWNER, methods=("GET", "POST"), params=_proposal, ok={"POST": 400}
    ),
    "patient:habit_list": Rule(Audience.PATIENT, methods=("GET", "POST"), ok={"POST": 400}),
    "patient:habit_detail": Rule(Audience.PATIENT_OWNER, params=_habit),
    "patient:habit_check": Rule(
        Audience.PATIENT_OWNER, methods=("POST",), params=_habit, ok={"POST": 302}
    ),
    "patient:habit_archive": Rule(
        Audience.PATIENT_OWNER, methods=("POST",), params=_habit, ok={"POST": 302}
    ),
}

# Clinician pages: active care-team members with the section shared (404 / 403 otherwise).
CLINICIAN_ROUTES = {
    "clinician:goal_list": Rule(Audience.CARE_TEAM_SECTION, params=_ws, **_g),
    "clinician:goal_propose_ladder": Rule(
        Audience.CARE_TEAM_SECTION, methods=("POST",), params=_ws, ok={"POST": 400}, **_g
    ),
    "clinician:habit_list": Rule(Audience.CARE_TEAM_SECTION, params=_ws, **_h),
    "clinician:goal_ladder": Rule(Audience.CARE_TEAM_SECTION, params=_ws | _ladder, **_g),
    "clinician:goal_propose_step": Rule(
        Audience.CARE_TEAM_SECTION, methods=("POST",), params=_ws | _ladder, ok={"POST": 400}, **_g
    ),
    "clinician:goal_propose_ladder_edit": Rule(
        Audience.CARE_TEAM_SECTION, methods=("POST",), params=_ws | _ladder, ok={"POST": 400}, **_g
    ),
    "clinician:goal_comment_add": Rule(
        Audience.CARE_TEAM_SECTION, methods=("POST",), params=_ws | _ladder, ok={"POST": 400}, **_g
    ),
    "clinician:goal_history": Rule(Audience.CARE_TEAM_SECTION, params=_ws | _ladder, **_g),
    "clinician:goal_propose_step_edit": Rule(
        Audience.CARE_TEAM_SECTION,
        methods=("GET", "POST"),
        params=_ws | _step,
        ok={"POST": 400},
        **_g,
    ),
    "clinician:goal_proposal_withdraw": Rule(
        Audience.CARE_TEAM_SECTION,
        methods=("POST",),
        params=_ws | _proposal,
        ok={"POST": 200},
        note="only the proposer withdraws; the world's proposal is the GP's",
        **_g,
    ),
}

# API: the owner and members with the section shared read; writes validate the body first
# (an empty body is 400 for both), then only the patient edits and only the care team proposes.
_A = {"api": True}
API_ROUTES = {
    "api:goal-ladder-list": Rule(
        Audience.WORKSPACE_SECTION, methods=("GET", "POST"), params=_ws, **_A, **_g
    ),
    "api:goal-ladder-detail": Rule(
        Audience.WORKSPACE_SECTION, methods=("GET", "PATCH"), params=_ws | _ladder, **_A, **_g
    ),
    "api:goal-step-list": Rule(
        Audience.WORKSPACE_SECTION, methods=("GET", "POST"), params=_ws | _ladder, **_A, **_g
    ),
    "api:goal-step-order": Rule(
        Audience.WORKSPACE_SECTION, methods=("PUT",), params=_ws | _ladder, **_A, **_g
    ),
    "api:goal-comment-list": Rule(
        Audience.WORKSPACE_SECTION, methods=("GET", "POST"), params=_ws | _ladder, **_A, **_g
    ),
    "api:goal-history": Rule(Audience.WORKSPACE_SECTION, params=_ws | _ladder, **_A, **_g),
    "api:goal-step-detail": Rule(
        Audience.WORKSPACE_SECTION, methods=("GET", "PATCH"), params=_ws | _step, **_A, **_g
    ),
    "api:goal-proposal-list": Rule(
        Audience.WORKSPACE_SECTION, methods=("GET", "POST"), params=_ws, **_A, **_g
    ),
    "api:goal-proposal-detail": Rule(
        Audience.WORKSPACE_SECTION, params=_ws | _proposal, **_A, **_g
    ),
    "api:goal-proposal-answer": Rule(
        Audience.WORKSPACE_SECTION, methods=("POST",), params=_ws | _proposal, **_A, **_g
    ),
    "api:habit-list": Rule(
        Audience.WORKSPACE_SECTION, methods=("GET", "POST"), params=_ws, **_A, **_h
    ),
    "api:habit-detail": Rule(Audience.WORKSPACE_SECTION, params=_ws | _habit, **_A, **_h),
    "api:habit-check-list": Rule(
        Audience.WORKSPACE_SECTION, methods=("GET", "POST"), params=_ws | _habit, **_A, **_h
    ),
}

ROUTES = {**PATIENT_ROUTES, **CLINICIAN_ROUTES, **API_ROUTES}
