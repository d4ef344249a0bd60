PATIENT_DATA = {
    "alerts.Alert": "workspace",
    "alerts.AlertTrigger": "workspace",
    "alerts.CareCadence": "membership__workspace",
    "alerts.Review": "workspace",
}
NOT_PATIENT_DATA: dict[str, str] = {}
