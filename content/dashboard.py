"""The programme card on the patient's dashboard: a welcome before the first page, then
"continue where you left off", and each module's progress."""

from __future__ import annotations

from content import selectors


def programme_card(request, workspace) -> dict:
    enrolments = sorted(
        selectors.enrolments_for_workspace(workspace),
        key=lambda e: e.last_visited_at or e.created_at,
        reverse=True,
    )
    feedback = selectors.feedback_unseen(workspace)
    # A patient who has not opened a single page yet is greeted, not asked to "continue".
    first_visit = not any(e.last_visited_at for e in enrolments)
    if enrolments:
        progress = selectors.programme_progress(enrolments[0].programme, enrolments[0])
        return {
            "progress": progress,
            "resume": progress.resume_page(),
            "available": [],
            "feedback": feedback,
            "first_visit": first_visit,
        }
    return {
        "progress": None,
        "resume": None,
        "available": list(selectors.programmes_published()),
        "feedback": feedback,
        "first_visit": first_visit,
    }


# First in the middle column: the next step and the progress.
DASHBOARD_CARDS = [(5, "content/dashboard_card.html", programme_card, "main")]
