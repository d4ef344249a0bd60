"""Reads for outcome measures. Callers authorize first (``care.policies``); these take
workspaces or workspace ids that the caller may already see."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import F, Max, OuterRef, Prefetch, Subquery, Window
from django.db.models.functions import FirstValue, RowNumber
from django.utils.translation import get_language

from care.models import Workspace
from measures.definitions import (
    SOURCE_LANGUAGE,
    Instrument,
    band_label,
    get_instrument,
    instruments,
    offered_instruments,
)
from measures.models import (
    PersonalCheck,
    PersonalItem,
    PersonalRating,
    Reminder,
    Response,
    SafetyEvent,
    Schedule,
)
from measures.schedules import current_occurrence
from measures.scoring import reliable_change


def open_risk_events_for_workspaces(workspace_ids: Iterable) -> list[dict]:
    """Open safety events (ids, codes and times only) for the clinician alert engine. One
    query, newest first. The caller decides who may be told (care.policies)."""
    return list(
        SafetyEvent.objects.filter(
            workspace_id__in=list(workspace_ids), status=SafetyEvent.Status.OPEN
        )
        .order_by("-created_at")
        .values("id", "workspace_id", "response_id", "rule", "item", "value", "created_at")
    )


def latest_scores_for_workspaces(workspace_ids: Iterable) -> dict:
    """For the caseload: workspace id -> instrument code -> latest total, band, baseline, change
    and reliable change. One query whatever the number of workspaces (window functions)."""
    partition = [F("workspace_id"), F("instrument")]
    rows = (
        Response.objects.filter(
            workspace_id__in=list(workspace_ids),
            status=Response.Status.COMPLETED,
            total__isnull=False,
        )
        .annotate(
            newest=Window(RowNumber(), partition_by=partition, order_by=F("completed_at").desc()),
            baseline=Window(
                FirstValue("total"), partition_by=partition, order_by=F("completed_at").asc()
            ),
        )
        .filter(newest=1)
        .values("workspace_id", "instrument", "total", "band", "baseline", "completed_at")
    )
    known = instruments()
    result: dict = defaultdict(dict)
    for row in rows:
        definition = known.get(row["instrument"])
        if definition is None:
            continue
        result[row["workspace_id"]][row["instrument"]] = {
            "instrument": row["instrument"],
            "name": definition.name,
            "total": row["total"],
            "band": row["band"],
            "band_label": band_label(row["instrument"], row["total"], get_language()),
            "baseline": row["baseline"],
            "change": row["total"] - row["baseline"],
            "reliable_change": reliable_change(definition, row["baseline"], row["total"]),
            "completed_at": row["completed_at"],
        }
    return dict(result)


@dataclass
class Point:
    response_id: object
    completed_at: datetime
    total: int
    band: str
    band_label: str
    prorated: bool
    language: str = SOURCE_LANGUAGE  # the language the response was answered in


@dataclass
class Trend:
    instrument: Instrument
    points: list[Point] = field(default_factory=list)

    @property
    def baseline(self) -> Point | None:
        return self.points[0] if self.points else None

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def change(self) -> int | None:
        if len(self.points) < 2:
            return None
        return self.latest.total - self.baseline.total

    @property
    def reliable_change(self) -> str:
        if len(self.points) < 2:
            return ""
        return reliable_change(self.instrument, self.baseline.total, self.latest.total)


def trends_for_workspace(workspace: Workspace, *, language: str = SOURCE_LANGUAGE) -> list[Trend]:
    """Every instrument with at least one scored response, oldest point first, with titles and
    band labels of the version offered to a reader of ``language``. One query."""
    by_code: dict[str, Trend] = {}
    rows = Response.objects.filter(
        workspace=workspace, status=Response.Status.COMPLETED, total__isnull=False
    ).order_by("completed_at")
    known = offered_instruments(language)
    for response in rows:
        definition = known.get(response.instrument)
        if definition is None:
            continue
        trend = by_code.setdefault(response.instrument, Trend(definition))
        trend.points.append(
            Point(
                response.pk,
                response.completed_at,
                response.total,
                response.band,
                band_label(response.instrument, response.total, language),
                response.prorated,
                response.language,
            )
        )
    return [by_code[code] for code in known if code in by_code]


@dataclass
class Due:
    instrument: Instrument
    due_on: date
    in_progress: Response | None


def due_for_workspace(
    workspace: Workspace, *, today: date, language: str = SOURCE_LANGUAGE
) -> list[Due]:
    """What the patient should fill in now: each active schedule whose latest occurrence has
    no completed response on or after it, each instrument in the version offered to a reader
    of ``language``. One query (the schedules, each with its instrument's latest completion and
    its response in progress), and one more for the responses in progress of those due, if any.
    """
    responses = Response.objects.filter(
        workspace_id=OuterRef("workspace_id"), instrument=OuterRef("instrument")
    ).order_by()
    schedules = (
        Schedule.objects.filter(workspace=workspace, active=True)
        .order_by()
        .annotate(
            last_done=Subquery(
                responses.filter(status=Response.Status.COMPLETED)
                .values("instrument")
                .annotate(latest=Max("completed_at"))
                .values("latest")
            ),
            # At most one response per instrument is in progress (a database constraint).
            open_response_id=Subquery(
                responses.filter(status=Response.Status.IN_PROGRESS).values("pk")[:1]
            ),
        )
    )
    known = offered_instruments(language)
    due = []
    # In the schedules' own order, sorted here: cheaper than compiling an ORDER BY.
    for schedule in sorted(schedules, key=lambda s: (s.instrument, s.created_at)):
        if schedule.instrument not in known:
            continue
        occurrence = current_occurrence(schedule, today=today)
        if occurrence is None:
            continue
        done = schedule.last_done
        if done is not None and done.date() >= occurrence:
            continue
        due.append((schedule, occurrence))
    open_ids = [s.open_response_id for s, _ in due if s.open_response_id]
    open_responses = Response.objects.in_bulk(open_ids) if open_ids else {}
    return sorted(
        (
            Due(known[s.instrument], occurrence, open_responses.get(s.open_response_id))
            for s, occurrence in due
        ),
        key=lambda d: (d.due_on, d.instrument.code),
    )


def responses_for_workspace(workspace: Workspace):
    return Response.objects.filter(workspace=workspace).order_by("-created_at")


def response_for_workspace(workspace: Workspace, response_id) -> Response:
    """The response, or Response.DoesNotExist (callers turn it into 404)."""
    return Response.objects.get(workspace=workspace, pk=response_id)


def schedules_for_workspace(workspace: Workspace):
    return Schedule.objects.filter(workspace=workspace).order_by("instrument")


def reminders_for_workspace(workspace: Workspace):
    """The delivery log, newest first."""
    return Reminder.objects.filter(workspace=workspace).select_related("schedule")


def personal_items(workspace: Workspace) -> list[PersonalItem]:
    return list(PersonalItem.objects.filter(workspace=workspace, archived_at__isnull=True))


def personal_checks(workspace: Workspace, *, limit: int = 52) -> list[PersonalCheck]:
    """Recent checks with their ratings (two queries), newest first."""
    return list(
        PersonalCheck.objects.filter(workspace=workspace)
        .prefetch_related(
            Prefetch("ratings", queryset=PersonalRating.objects.select_related("item"))
        )
        .order_by("-created_at")[:limit]
    )


def instrument_or_none(code: str) -> Instrument | None:
    try:
        return get_instrument(code)
    except LookupError:
        return None


# --- the safety information of a risk alert ----------------------------------------------------


@dataclass(frozen=True)
class SafetyDetail:
    """What a risk alert shows, whatever the patient shares: the instrument, the item, the
    answer (the highest given, and every answer in order), and when. Never a score."""

    event_id: str
    instrument: str
    item: int
    item_text: str
    value: int
    value_label: str
    max_value: int
    answered_at: datetime
    history: tuple[tuple[int, str], ...]  # (value, label) in the order they were given
    language: str = SOURCE_LANGUAGE  # the language version the answer was given in


def safety_details(*, workspace: Workspace, source_ids: Iterable[str]) -> list[SafetyDetail]:
    """The safety events behind a risk alert's sources (``<event id>`` or
    ``<event id>:<higher value>``), oldest first. 1 query."""
    ids = set()
    for source in source_ids:
        try:
            ids.add(uuid.UUID(str(source).split(":", 1)[0]))
        except ValueError:
            continue
    details = []
    events = SafetyEvent.objects.filter(workspace=workspace, pk__in=ids).order_by("created_at")
    for event in events.select_related("response"):
        definition = get_instrument(event.response.instrument)
        item = definition.item(event.item)
        labels = {o.value: o.label for o in definition.options}
        history = tuple(
            (h["value"], labels.get(h["value"], str(h["value"])))
            for h in (event.history or [{"value": event.value}])
            if isinstance(h.get("value"), int)
        )
        details.append(
            SafetyDetail(
                event_id=str(event.pk),
                instrument=definition.name,
                item=event.item,
                item_text=item.text if item else "",
                value=event.value,
                value_label=labels.get(event.value, str(event.value)),
                max_value=max(definition.option_values),
                answered_at=event.created_at,
                history=history,
                language=event.response.language,
            )
        )
    return details
