"""The patient's dashboard, composed here from the domains' selectors (a domain never
registers itself into this face).

Three regions: ``"main"`` (the middle column: the next step, messages, progress), ``"tools"``
(the programme's two core tools, "Don't break the chain" and the goal ladder: on the right at
desktop width, near the top on a phone) and ``"side"`` (the left column). The dashboard renders
each region's cards in order; each card's template (``patient_app/dashboard/<name>.html``) gets
its context as ``card``. Each context costs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import get_language

from alerts import selectors as alerts_selectors
from care import selectors as care_selectors
from content import selectors as content_selectors
from goals import selectors as goals_selectors
from goals.chain import DayStatus
from goals.models import Step
from measures import selectors as measures_selectors
from messaging import selectors as messaging_selectors
from toolbox import services as toolbox_services

REGIONS = ("main", "tools", "side")
# Days that hold the chain: marked (on a scheduled day or a rest day).
DONE_STATUSES = {DayStatus.DONE.value, DayStatus.EXTRA.value}


@dataclass(frozen=True)
class Card:
    name: str  # its template: patient_app/dashboard/<name>.html
    region: str
    context: Callable  # (request, workspace) -> dict

    @property
    def template(self) -> str:
        return f"patient_app/dashboard/{self.name}.html"


def _programme(request, workspace) -> dict:
    enrolments = sorted(
        content_selectors.enrolments_for_workspace(workspace),
        key=lambda e: e.last_visited_at or e.created_at,
        reverse=True,
    )
    feedback = content_selectors.feedback_unseen(workspace)
    # A patient who has not opened a single page yet is greeted, not asked to "continue".
    first_visit = not any(e.last_visited_at for e in enrolments)
    if enrolments:
        progress = content_selectors.programme_progress(enrolments[0].programme, enrolments[0])
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
        "available": list(content_selectors.programmes_published()),
        "feedback": feedback,
        "first_visit": first_visit,
    }


def _messages(request, workspace) -> dict:
    threads = list(
        messaging_selectors.threads_with_counts(request.user)
        .filter(workspace=workspace)
        .order_by("-last_message_at", "kind", "pk")
    )
    latest = next((t for t in threads if t.last_message_at), None)
    return {
        "unread": sum(t.unread for t in threads),
        "latest": latest,
    }


def _cover(request, workspace) -> dict:
    """Queries: 1."""
    return {"covers": care_selectors.covers_for_workspace(workspace=workspace)}


def _checkin(request, workspace) -> dict:
    today = toolbox_services.local_today(request.user)
    return {"checked_in": workspace.checkins.filter(day=today).exists()}


def _questionnaires(request, workspace) -> dict:
    return {
        "due": measures_selectors.due_for_workspace(
            workspace, today=timezone.localdate(), language=get_language()
        )
    }


def _reviews(request, workspace) -> dict:
    """The three newest review notes the care team shared with the patient. Queries: 1."""
    return {"reviews": alerts_selectors.shared_reviews_for_workspace(workspace=workspace)}


CHAIN_DAYS = 7


def _chain(request, workspace) -> dict:
    """Each habit with its last seven days as a chain (oldest first, today last)."""
    habits = []
    for view in goals_selectors.habit_views(workspace=workspace):
        first = view.today - timedelta(days=CHAIN_DAYS - 1)
        days = [first + timedelta(days=n) for n in range(CHAIN_DAYS)]
        habits.append(
            {
                "view": view,
                "days": [
                    {
                        "day": day,
                        "status": str(view.chain.statuses.get(day, "")),
                        "done": str(view.chain.statuses.get(day, "")) in DONE_STATUSES,
                        "today": day == view.today,
                    }
                    for day in days
                ],
            }
        )
    return {"habits": habits}


def _ladder(request, workspace) -> dict:
    """The first goal as a ladder (easiest step at the bottom, the step to take now marked),
    the others as links."""
    ladders = goals_selectors.ladders_for_workspace(workspace=workspace)
    shown = ladders[0] if ladders else None
    steps, current = [], None
    if shown is not None:
        steps = goals_selectors.steps_in_order(
            s for s in shown.steps.all() if s.state != Step.State.SET_ASIDE
        )
        current = next((s for s in steps if s.state != Step.State.DONE), None)
    return {
        "ladder": shown,
        "steps": steps,
        "current": current,
        "others": ladders[1:4],
        "count": len(ladders),
        "waiting": sum(len(ladder.open_proposals) for ladder in ladders),
    }


CARDS: tuple[Card, ...] = (
    Card("programme", "main", _programme),  # first in the middle: the next step and progress
    Card("messages", "main", _messages),
    Card("cover", "main", _cover),
    Card("checkin", "main", _checkin),
    Card("questionnaires", "main", _questionnaires),
    Card("reviews", "main", _reviews),
    Card("chain", "tools", _chain),
    Card("ladder", "tools", _ladder),
)


def dashboard_regions(request, workspace) -> dict[str, list[dict]]:
    """Region name -> its cards in order (every region present, possibly empty)."""
    regions: dict[str, list[dict]] = {region: [] for region in REGIONS}
    for card in CARDS:
        regions[card.region].append(
            {
                "template": card.template,
                "name": card.name,
                "context": card.context(request, workspace),
            }
        )
    return regions
