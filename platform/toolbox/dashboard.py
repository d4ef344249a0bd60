"""The patient's dashboard card: today's check-in and the way to the toolbox."""

from toolbox import services


def _card(request, workspace) -> dict:
    today = services.local_today(request.user)
    return {"checked_in": workspace.checkins.filter(day=today).exists()}


DASHBOARD_CARDS = [(20, "patient_app/toolbox/dashboard_card.html", _card)]
