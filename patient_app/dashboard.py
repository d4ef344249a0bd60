"""The patient's dashboard, composed here from the domains' selectors (a domain never
registers itself into this face).

Three regions: ``"main"`` (the middle column: the next step, messages, progress), ``"tools"``
(the programme's two core tools, "Don't break the chain" and the goal ladder: on the right at
desktop width, near the top on a phone) and ``"side"`` (the left column). The dashboard renders
each region's cards in order; each card's template (``patient_app/dashboard/<name>.html``) gets
its context as ``card``. Each context costs a fixed number of queries.

The workspace the cards get comes from ``today_workspace``: one query that also answers the
cards' yes-or-no questions (checked in today? anything to show in the cover, review and reply
notices?), so that a card with nothing to show reads nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import get_language

from alerts import selectors as alerts_selectors
from care import selectors as care_selectors
from care import services as care_services
from care.models import Workspace
from content import selectors as content_selectors
from goals import selectors as goals_selectors
from goals.chain import DayStatus
from goals.models import Step
from measures import selectors as measures_selectors
from messaging import selectors as messaging_selectors
from toolbox import selectors as toolbox_selectors
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


def today_workspace(user) -> Workspace:
    """The patient's workspace (made on their first visit), with the facts the cards ask of it
    read in the same query. Queries: 1 (3 on the very first visit)."""
    facts = {
        "checked_in": toolbox_selectors.checked_in_on(day=toolbox_services.local_today(user)),
        "has_feedback": content_selectors.feedback_unseen_exists(),
        "has_covers": care_selectors.covers_exist(),
        "has_shared_reviews": alerts_selectors.shared_reviews_exist(),
    }
    workspace = care_selectors.own_workspace(user, **facts)
    if workspace is None:
        care_services.workspace_get_or_create(patient=user)
        workspace = care_selectors.own_workspace(user, **facts)
    return workspace


def _programme(request, workspace) -> dict:
    enrolments = content_selectors.enrolments_latest_first(workspace)
    feedback = content_selectors.feedback_unseen(workspace) if workspace.has_feedback else []
    # A patient who has not opened a single page yet is greeted, not asked to "continue".
    first_visit = not any(e.last_visited_at for e in enrolments)
    if enrolments:
        progress = content_selectors.enrolment_progress(enrolments[0])
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
    """The unread count and the conversation with the latest message (at the same instant, by
    kind, then id). Queries: 1."""
    threads = list(
        messaging_selectors.threads_with_counts(request.user)
        .filter(workspace=workspace)
        # Only what the card shows, unordered: Django compiles an ORDER BY at a cost per
        # selected column, more than sorting a few threads here.
        .select_related(None)
        .select_related("membership__clinician")
        .order_by()
    )
    with_messages = [t for t in threads if t.last_message_at]
    latest = max(  # max() keeps the first of equals: order them by kind, then id
        sorted(with_messages, key=lambda t: (t.kind, t.pk)),
        key=lambda t: t.last_message_at,
        default=None,
    )
    return {
        "unread": sum(t.unread for t in threads),
        "latest": latest,
    }


def _cover(request, workspace) -> dict:
    """Queries: 1 when there are covers, else none."""
    covers = (
        care_selectors.covers_for_workspace(workspace=workspace) if workspace.has_covers else []
    )
    return {"covers": covers}


def _checkin(request, workspace) -> dict:
    return {"checked_in": workspace.checked_in}


def _questionnaires(request, workspace) -> dict:
    return {
        "due": measures_selectors.due_for_workspace(
            workspace, today=timezone.localdate(), language=get_language()
        )
    }


def _reviews(request, workspace) -> dict:
    """The three newest review notes the care team shared with the patient. Queries: 1 when
    there are some, else none."""
    if not workspace.has_shared_reviews:
        return {"reviews": []}
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
                        # What the template's date filter would print ('Y-m-d', 'D'), without it.
                        "iso": day.isoformat(),
                        "weekday": WEEKDAYS_ABBR[day.weekday()],
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
    ladders = goals_selectors.ladders_with_waiting(workspace=workspace)
    shown = ladders[0] if ladders else None
    steps, current = [], None
    if shown is not None:
        steps = [s for s in shown.step_list if s.state != Step.State.SET_ASIDE]
        current = next((s for s in steps if s.state != Step.State.DONE), None)
    return {
        "ladder": shown,
        "steps": steps,
        "current": current,
        "others": ladders[1:4],
        "count": len(ladders),
        "waiting": sum(ladder.waiting for ladder in ladders),
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
