PATIENT_DATA: dict[str, str] = {}
NOT_PATIENT_DATA = {
    "jobs.ScheduleFiring": "which periodic job ran for which time slot; nothing about anyone",
}
