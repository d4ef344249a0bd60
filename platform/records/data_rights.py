"""What the records app holds of a patient, for export and erasure (see config.discovery)."""

PATIENT_DATA = {
    "records.AccessLogEntry": "workspace",
}
NOT_PATIENT_DATA = {
    "records.AuditEvent": "kept on erasure, pseudonymised: holds ids and action codes, no free text",
    "records.IdempotencyKey": (
        "a form's one-time code and the address it led to, kept a few days so a form sent twice "
        "stores once; no content, deleted with the account"
    ),
}
