PATIENT_DATA = {
    "messaging.Thread": "workspace",
    "messaging.Message": "thread__workspace",
    "messaging.MessageRevision": "message__thread__workspace",
    "messaging.ReadMark": "thread__workspace",
    "messaging.ReplyAgreement": "membership__workspace",
    # Only the patient's own pending "new message" e-mail (a clinician's row names no patient).
    "messaging.PendingNotice": "recipient__workspace",
}
NOT_PATIENT_DATA = {
    "messaging.Presence": "a clinician's online state (socket count, last seen); no patient data",
}
