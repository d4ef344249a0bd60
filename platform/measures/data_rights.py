PATIENT_DATA = {
    "measures.Response": "workspace",
    "measures.SafetyEvent": "workspace",
    "measures.Schedule": "workspace",
    "measures.Reminder": "workspace",
    "measures.PersonalItem": "workspace",
    "measures.PersonalCheck": "workspace",
    "measures.PersonalRating": "personal_check__workspace",
}
