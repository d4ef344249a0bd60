"""The caseload's "Latest check-in" column. Private entries never count (the selector skips
them), so a clinician never learns that a private entry exists."""

from django.utils.translation import gettext_lazy as _

from care.sections import Section
from clinician_app.caseload_columns import Column, register
from toolbox.selectors import latest_checkin_for_workspaces


def latest_checkins(workspace_ids, clinician) -> dict:
    return {
        workspace_id: {
            "day": checkin.day.isoformat(),
            "mood": checkin.mood,
            "symptoms": checkin.symptoms,
            "energy": checkin.energy,
            "sleep": checkin.sleep,
        }
        for workspace_id, checkin in latest_checkin_for_workspaces(workspace_ids).items()
    }


register(
    Column(
        key="checkin",
        label=_("Latest check-in"),
        section=Section.CHECKINS,
        loader=latest_checkins,
        template="toolbox/caseload_checkin.html",
        order=35,
    )
)
