from alerts import services
from alerts.models import Alert, AlertKind


def extend_world(world) -> None:
    """An open inactivity alert in the owner's workspace, the GP responsible."""
    alert, _created = services.alert_raise(
        workspace=world.workspace,
        kind=AlertKind.INACTIVITY,
        severity=Alert.Severity.ROUTINE,
        source_id="never-active",
        membership=world.gp_membership,
    )
    world.objects["alert"] = alert
