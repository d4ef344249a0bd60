PATIENT_DATA = {
    "toolbox.CheckIn": "workspace",
    "toolbox.CrisisPlanItem": "workspace",
    "toolbox.CrisisPlanSuggestion": "workspace",
    "toolbox.NetworkContact": "workspace",
    "toolbox.JournalEntry": "workspace",
}
NOT_PATIENT_DATA = {
    "toolbox.OrganisationEmergencyNumber": "an organisation's public emergency numbers, "
    "shown on its patients' crisis plans; holds nothing about a patient",
}
