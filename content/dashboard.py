"""The programme card on the patient's dashboard: continue where you left off, and each
module's progress."""

from __future__ import annotations

from content import selectors


def programme_card(request, workspace) -> dict:
    enrolments = sorted(
        selectors.enrolments_for_workspace(workspace),
        key=lambda e: e.last_visited_at or e.created_at,
        reverse=True,
    )
    feedback = selectors.feedback_unseen(workspace)
    if enrolments:
        progress = selectors.programme_progress(enrolments[0].programme, enrolments[0])
        return {
            "progress": progress,
            "resume": progress.resume_page(),
            "available": [],
            "feedback": feedback,
        }
    return {
        "progress": None,
        "resume": None,
        "available": list(selectors.programmes_published()),
        "feedback": feedback,
    }


# First in the middle column: the next step and the progress.
DASHBOARD_CARDS = [(5, "content/dashboard_card.html", programme_card, "main")]
