"""What the records app holds of a patient, for export and erasure (see config.discovery)."""

PATIENT_DATA = {
    "records.AccessLogEntry": "workspace",
}
NOT_PATIENT_DATA = {
    "records.AuditEvent": "kept on erasure, pseudonymised: holds ids and action codes, no free text",
}
