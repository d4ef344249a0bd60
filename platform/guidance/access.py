from config.access import Audience, Rule

ROUTES = {
    "clinician:guidance_report": Rule(
        Audience.CLINICIAN, note="the clinician's own entries; names only of their patients"
    ),
    "clinician:guidance_report_csv": Rule(
        Audience.CLINICIAN, note="the clinician's own entries; names only of their patients"
    ),
    "clinician:guidance_patient": Rule(
        Audience.CARE_TEAM,
        methods=("GET", "POST"),
        params={"workspace_id": "workspace"},
        note="empty form: shown again with errors",
    ),
}
