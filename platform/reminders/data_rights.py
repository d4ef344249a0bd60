PATIENT_DATA = {
    "reminders.Setting": "user__workspace",
    "reminders.QuietHours": "user__workspace",
    "reminders.Delivery": "user__workspace",
}
NOT_PATIENT_DATA = {
    "reminders.PushSubscription": "a browser's push address and keys: secrets, never exported; "
    "deleted with the account and ended at sign-out",
}
