# Guidance time is part of the record of the patient's care: exported with it, erased with the
# workspace (the foreign key cascades). Audit events of corrections keep ids and numbers only.
PATIENT_DATA = {
    "guidance.GuidanceEntry": "workspace",
}
NOT_PATIENT_DATA: dict[str, str] = {}
