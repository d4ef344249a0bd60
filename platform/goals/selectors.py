"""Reads for goal ladders and habits. Callers authorize first (``care.policies``); these take an
already-authorized workspace and fetch in a fixed number of queries however many rows exist."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from care.models import Workspace
from goals.chain import ChainResult, calendar_weeks, evaluate_chain, local_day
from goals.models import Comment, Habit, HabitCheck, Ladder, LadderChange, Proposal, Step

CALENDAR_WEEKS = 6

# A ladder reads easiest first: by how hard each step feels, then (for steps rated the same, or
# not rated, which come last) in the order the patient chose, then by when they were written.
# Every reader of steps uses this one order, so a step added or accepted later still lands in
# its place instead of at the end.
STEP_ORDER = (F("difficulty").asc(nulls_last=True), "position", "created_at")


def _rank(step: Step):
    return (step.difficulty is None, step.difficulty or 0, step.position, step.created_at)


def steps_in_order(steps: Iterable[Step]) -> list[Step]:
    """The same order as ``STEP_ORDER`` for steps already in memory; marks each step with
    whether moving it easier or harder can change the order (only among steps of the same
    rating: a differently rated neighbour stays where its rating puts it)."""
    ordered = sorted(steps, key=_rank)
    for index, step in enumerate(ordered):
        before = ordered[index - 1] if index else None
        after = ordered[index + 1] if index + 1 < len(ordered) else None
        step.can_move_easier = before is not None and before.difficulty == step.difficulty
        step.can_move_harder = after is not None and after.difficulty == step.difficulty
    return ordered


def ladders_for_workspace(*, workspace: Workspace, include_archived: bool = False) -> list[Ladder]:
    """Ladders with their steps and open proposals: 3 queries."""
    qs = Ladder.objects.filter(workspace=workspace)
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return list(
        qs.prefetch_related(
            Prefetch("steps", queryset=Step.objects.order_by(*STEP_ORDER)),
            Prefetch(
                "proposals",
                queryset=Proposal.objects.filter(status=Proposal.Status.OPEN).select_related(
                    "proposed_by", "step"
                ),
                to_attr="open_proposals",
            ),
        )
    )


def ladders_with_waiting(*, workspace: Workspace) -> list[Ladder]:
    """The current ladders (oldest first), each with ``step_list``, its steps easiest first
    (``STEP_ORDER``), and ``waiting``, how many proposals on it are open. 1 query, each ladder
    joined to its steps."""
    open_proposals = (
        Proposal.objects.filter(ladder=OuterRef("pk"), status=Proposal.Status.OPEN)
        .order_by()
        .values("ladder")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = Ladder.objects.filter(workspace=workspace, archived_at__isnull=True).annotate(
        waiting=Coalesce(Subquery(open_proposals), 0)
    )
    step_names = [f.attname for f in Step._meta.concrete_fields]
    step_pk = step_names.index(Step._meta.pk.attname)
    ladders, steps = _joined(qs, *(f"steps__{name}" for name in step_names))
    for ladder in ladders:
        ladder.step_list = sorted(
            (Step.from_db(qs.db, step_names, row) for row in steps[ladder.pk] if row[step_pk]),
            key=_rank,
        )
    return sorted(ladders, key=lambda ladder: (ladder.created_at, ladder.pk))


def _get(qs: QuerySet, pk):
    """The object, or 404 (also for a malformed id): never a hint that it exists elsewhere."""
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def ladder_get(*, workspace: Workspace, ladder_id: UUID | str) -> Ladder:
    return _get(Ladder.objects.filter(workspace=workspace).select_related("workspace"), ladder_id)


def step_get(*, workspace: Workspace, step_id: UUID | str) -> Step:
    return _get(
        Step.objects.filter(ladder__workspace=workspace).select_related(
            "ladder", "ladder__workspace"
        ),
        step_id,
    )


def proposal_get(*, workspace: Workspace, proposal_id: UUID | str) -> Proposal:
    return _get(
        Proposal.objects.filter(workspace=workspace).select_related(
            "workspace", "ladder", "step", "proposed_by", "answered_by"
        ),
        proposal_id,
    )


def habit_get(*, workspace: Workspace, habit_id: UUID | str) -> Habit:
    return _get(
        Habit.objects.filter(workspace=workspace).select_related(
            "workspace__patient", "source_step"
        ),
        habit_id,
    )


def steps_for_ladder(*, ladder: Ladder) -> list[Step]:
    """The ladder's steps, easiest first (``STEP_ORDER``): 1 query."""
    return steps_in_order(ladder.steps.order_by(*STEP_ORDER))


def proposals_for_workspace(
    *, workspace: Workspace, ladder: Ladder | None = None, open_only: bool = False
) -> QuerySet[Proposal]:
    qs = Proposal.objects.filter(workspace=workspace).select_related(
        "ladder", "step", "proposed_by", "answered_by"
    )
    if ladder is not None:
        qs = qs.filter(ladder=ladder)
    if open_only:
        qs = qs.filter(status=Proposal.Status.OPEN)
    return qs


def comments_for_ladder(*, ladder: Ladder) -> QuerySet[Comment]:
    return Comment.objects.filter(ladder=ladder).select_related("author")


def history_for_ladder(*, ladder: Ladder) -> QuerySet[LadderChange]:
    return LadderChange.objects.filter(ladder=ladder).select_related("actor", "step")


# --- habits ----------------------------------------------------------------------------------


@dataclass
class HabitView:
    habit: Habit
    chain: ChainResult
    last_check: date | None
    today: date
    done_today: bool
    done_yesterday: bool

    def recent_statuses(self, weeks: int = 10) -> dict:
        first = self.today - timedelta(weeks=weeks)
        return {d: s for d, s in sorted(self.chain.statuses.items()) if d >= first}

    @property
    def weeks(self):
        first = max(self.habit.start_date, self.today - timedelta(weeks=CALENDAR_WEEKS - 1))
        first = min(first, self.today)
        return calendar_weeks(result=self.chain, first=first, last=self.today, today=self.today)


def habit_views(
    *, workspace: Workspace, include_archived: bool = False, now=None
) -> list[HabitView]:
    """Every habit (oldest first) with its chain evaluated in the patient's calendar: 1 query,
    each habit joined to the days it was marked (a habit never marked is one row without a day).
    """
    today = local_day(now or timezone.now(), workspace.patient.timezone)
    qs = Habit.objects.filter(workspace=workspace)
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    habits, days = _joined(qs, "checks__day")
    return [
        _view(habit, {day for day in days[habit.pk] if day is not None}, today)
        for habit in sorted(habits, key=lambda h: (h.created_at, h.pk))
    ]


def _joined(qs: QuerySet, *related: str) -> tuple[list, dict]:
    """``qs``'s objects (with its annotations), each read once, and for each (by primary key)
    the values of the ``related`` lookups across a to-many relation: a tuple per related row
    (the value alone for one lookup), all None for an object without related rows. One query,
    a LEFT JOIN, where ``prefetch_related`` takes two. Unordered: the caller sorts (Django
    compiles an ORDER BY at a cost per selected column, more than sorting a few rows here)."""
    names = [f.attname for f in qs.model._meta.concrete_fields]
    annotations = list(qs.query.annotations)
    pk_at = names.index(qs.model._meta.pk.attname)
    own, extra = len(names), len(names) + len(annotations)
    objects: dict = {}
    values: dict = defaultdict(list)
    for row in qs.order_by().values_list(*names, *annotations, *related):
        pk = row[pk_at]
        if pk not in objects:
            obj = objects[pk] = qs.model.from_db(qs.db, names, row[:own])
            for name, value in zip(annotations, row[own:extra], strict=True):
                setattr(obj, name, value)
        values[pk].append(row[extra] if len(related) == 1 else row[extra:])
    return list(objects.values()), values


def habit_view(*, habit: Habit, now=None) -> HabitView:
    today = local_day(now or timezone.now(), habit.workspace.patient.timezone)
    done = set(habit.checks.values_list("day", flat=True))
    return _view(habit, done, today)


def _view(habit: Habit, done: set, today: date) -> HabitView:
    chain = evaluate_chain(schedule=habit.schedule, start=habit.start_date, today=today, done=done)
    return HabitView(
        habit=habit,
        chain=chain,
        last_check=max(done) if done else None,
        today=today,
        done_today=today in done,
        done_yesterday=(today - timedelta(days=1)) in done,
    )


@dataclass(frozen=True)
class HabitSummary:
    habits: int
    current_streak: int  # the best current streak among the workspace's active habits
    last_check: date | None


def habit_summary_for_workspaces(
    workspace_ids: Iterable[UUID], *, now=None
) -> dict[UUID, HabitSummary]:
    """For the caseload: per workspace, the best current streak and the last day marked
    (every id given; one without habits has none).

    Two queries whatever the number of workspaces or habits: active habits with their patient's
    time zone, and their check days (the streak rules need the days). Callers pass only
    workspaces whose "habits" section the reader may see."""
    ids = list(dict.fromkeys(workspace_ids))
    if not ids:
        return {}
    moment = now or timezone.now()
    habits = list(
        Habit.objects.filter(workspace_id__in=ids, archived_at__isnull=True).annotate(
            patient_timezone=F("workspace__patient__timezone")
        )
    )
    days: dict = defaultdict(set)
    for habit_id, day in HabitCheck.objects.filter(
        habit__workspace_id__in=ids, habit__archived_at__isnull=True
    ).values_list("habit_id", "day"):
        days[habit_id].add(day)
    by_workspace: dict = defaultdict(list)
    for habit in habits:
        by_workspace[habit.workspace_id].append(habit)
    result = {}
    for workspace_id in ids:
        own = by_workspace.get(workspace_id, [])
        best, last = 0, None
        if own:
            today = local_day(moment, own[0].patient_timezone)
        for habit in own:
            done = days[habit.pk]
            chain = evaluate_chain(
                schedule=habit.schedule, start=habit.start_date, today=today, done=done
            )
            best = max(best, chain.current)
            if done:
                last = max(last, max(done)) if last else max(done)
        result[workspace_id] = HabitSummary(habits=len(own), current_streak=best, last_check=last)
    return result


def last_check_by_workspace(workspace_ids: Iterable[UUID]) -> dict[UUID, date]:
    """The last day marked on any habit, per workspace: 1 query."""
    rows = (
        HabitCheck.objects.filter(habit__workspace_id__in=list(workspace_ids))
        .values("habit__workspace_id")
        .annotate(last=Max("day"))
    )
    return {row["habit__workspace_id"]: row["last"] for row in rows}
