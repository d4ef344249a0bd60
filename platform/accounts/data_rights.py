PATIENT_DATA = {
    "accounts.User": "workspace",  # the patient's own account (name, e-mail, time zone, language)
}
NOT_PATIENT_DATA = {
    "accounts.Organisation": "a practice or clinic, not a person",
    "accounts.Team": "a team of an organisation, not a person",
    "accounts.UserSession": "a signed-in session: a secret key, deleted with the account and "
    "ended by a password change, never exported",
}
