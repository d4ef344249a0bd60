from config.access import Audience, Rule

ROUTES = {
    "clinician:service_report": Rule(
        Audience.MANAGER, note="aggregates only; a bad period gets 400 (tests/care/...)"
    ),
    "clinician:service_report_csv": Rule(Audience.MANAGER),
    "clinician:caseload": Rule(Audience.CLINICIAN),
    "clinician:invite": Rule(Audience.CLINICIAN, methods=("GET", "POST")),
    "clinician:patient_overview": Rule(Audience.CARE_TEAM, params={"workspace_id": "workspace"}),
    "clinician:patient_summary": Rule(Audience.CARE_TEAM, params={"workspace_id": "workspace"}),
    "clinician:course_discharge": Rule(
        Audience.CARE_TEAM,
        methods=("GET", "POST"),
        params={"workspace_id": "workspace"},
        ok={"POST": 400},
        note="only the lead discharges (a valid summary from another member gets 403)",
    ),
}
