from config.access import Audience, Rule

ROUTES = {
    "clinician:caseload": Rule(Audience.CLINICIAN),
    "clinician:invite": Rule(Audience.CLINICIAN, methods=("GET", "POST")),
    "clinician:patient_overview": Rule(Audience.CARE_TEAM, params={"workspace_id": "workspace"}),
    "clinician:patient_summary": Rule(Audience.CARE_TEAM, params={"workspace_id": "workspace"}),
}
