"""Writes for outcome measures: answering, the safety flow, schedules, reminders and the
personal measure. Every service is atomic and keyword-only, validates its input, audits and
publishes ids-only events after commit (``care.events``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from alerts.services import alert_raise
from care import policies
from care.events import publish_workspace_event
from care.models import Workspace
from measures.definitions import SOURCE_LANGUAGE, get_instrument, instruments, version_for
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
from measures.scoring import AnswerError, clean_answers, reliable_change, safety_triggers, score
from records.services import audit

SECTION = "measures"
REMINDER_SALT = "measures.reminder"
MAX_PERSONAL_ITEMS = 3


OWNER_ONLY = _lazy("Only the patient can answer their own questionnaires.")


def _instrument_or_error(code: str):
    try:
        return get_instrument(code)
    except LookupError:
        raise ValidationError({"instrument": _("There is no such questionnaire.")}) from None


# --- answering -------------------------------------------------------------------------------


@transaction.atomic
def response_start(
    *, workspace: Workspace, instrument: str, by: User, language: str = SOURCE_LANGUAGE
) -> Response:
    """Resume the patient's unfinished response to this questionnaire, or start one.

    ``language`` is the reader's language; the response records the language of the version
    they are shown (``definitions.version_for``: English while their own is unverified)."""
    policies.require_owner(by, workspace, OWNER_ONLY)
    definition = _instrument_or_error(instrument)
    existing = (
        Response.objects.select_for_update()
        .filter(workspace=workspace, instrument=instrument, status=Response.Status.IN_PROGRESS)
        .first()
    )
    if existing is not None:
        return existing
    response = Response.objects.create(
        workspace=workspace,
        instrument=instrument,
        instrument_version=definition.version,
        language=version_for(instrument, language).language,
    )
    audit(
        action="measures.response.started",
        actor=by,
        workspace=workspace,
        response=str(response.pk),
        instrument=instrument,
    )
    return response


@dataclass
class SaveResult:
    response: Response
    safety_events: list[SafetyEvent] = field(default_factory=list)
    missing: tuple[int, ...] = ()
    new_safety_event: bool = False  # this save raised one: show the support page now

    @property
    def needs_safety_page(self) -> bool:
        return bool(self.safety_events)


def _stored(answers: Mapping) -> dict[int, int | str]:
    return {int(key): value for key, value in answers.items()}


def _raise_safety_events(
    response: Response, answers: Mapping, by: User
) -> tuple[list[SafetyEvent], bool]:
    """Record the safety events these answers trip (one per rule and response). Runs inside the
    caller's transaction (the response row is locked), so the answer and its event are stored
    together or not at all.

    Every risk answer counts: the first raises the event and its urgent alert; a later, higher
    answer to the same item raises the event's value (the highest stands, every answer is kept
    in ``history``) and counts as a new source of the alert, which re-opens it when someone
    had already taken it on. A lower answer is kept in the history and lowers nothing.
    Returns the events and whether this call raised or raised the value of one."""
    definition = get_instrument(response.instrument)
    tripped = set(safety_triggers(definition, answers))
    events, raised = [], False
    now = timezone.now().isoformat()
    for rule in definition.safety:
        value = answers.get(rule.item)
        event = (
            SafetyEvent.objects.select_for_update()
            .filter(response=response, rule=rule.rule)
            .first()
        )
        if event is None:
            if rule.item not in tripped:
                continue
            event = SafetyEvent.objects.create(
                response=response,
                rule=rule.rule,
                workspace_id=response.workspace_id,
                item=rule.item,
                value=value,
                history=[{"value": value, "at": now}],
            )
            _safety_alert(response, event, source=str(event.pk), by=by, action="raised")
            raised = True
        elif isinstance(value, int) and (not event.history or event.history[-1]["value"] != value):
            event.history = [*event.history, {"value": value, "at": now}]
            fields = ["history", "updated_at"]
            if value > event.value:
                event.value = value
                fields.append("value")
            event.save(update_fields=fields)
            if "value" in fields:
                _safety_alert(
                    response, event, source=f"{event.pk}:{value}", by=by, action="raised_higher"
                )
                raised = True
        events.append(event)
    return events, raised


def _safety_alert(response: Response, event: SafetyEvent, *, source: str, by, action: str):
    # The clinician-side loop: an urgent alert that tells the lead at once and escalates until
    # acknowledged. Every current member may see it, whatever the patient shares.
    alert_raise(
        workspace=response.workspace,
        kind="risk",
        severity="urgent",
        source_id=source,
        actor=by,
    )
    audit(
        action=f"measures.safety.{action}",
        actor=by,
        workspace=response.workspace,
        safety_event=str(event.pk),
        response=str(response.pk),
        rule=event.rule,
        value=event.value,
    )
    publish_workspace_event(
        workspace_id=response.workspace_id,
        kind="measures.risk",
        section=SECTION,
        data={"safety_event": str(event.pk), "response": str(response.pk)},
    )


@transaction.atomic
def response_save_answers(
    *, response: Response, answers: Mapping, by: User, language: str = SOURCE_LANGUAGE
) -> SaveResult:
    """Save answers as the patient goes (partial answers persist).

    ``language`` is the reader's language: when the answers change, the response records the
    language of the version they were shown (``definitions.version_for``), so it always names
    the version its latest answers were given in. Scoring and safety rules never depend on it.

    Bad answers (unknown items, values that are not options) raise ValidationError and change
    nothing. A risk answer raises its safety event in this same transaction, whether or not the
    questionnaire is finished. Sending the same answers to a completed response is a no-op;
    different ones are refused.
    """
    response = Response.objects.select_for_update().select_related("workspace").get(pk=response.pk)
    policies.require_owner(by, response.workspace, OWNER_ONLY)
    definition = get_instrument(response.instrument)
    try:
        cleaned = clean_answers(definition, answers)
    except AnswerError as error:
        raise ValidationError({"answers": str(error)}) from None
    stored = _stored(response.answers)
    if response.is_completed:
        if any(stored.get(number) != value for number, value in cleaned.items()):
            raise ValidationError(_("This questionnaire is already finished and cannot change."))
        return SaveResult(response, list(response.safety_events.all()))
    merged = stored | cleaned
    if merged != stored:
        response.answers = {str(number): value for number, value in sorted(merged.items())}
        response.language = version_for(response.instrument, language).language
        response.save(update_fields=["answers", "language", "updated_at"])
    events, raised = _raise_safety_events(response, merged, by)
    return SaveResult(response, events, score(definition, merged).missing, raised)


@transaction.atomic
def response_complete(*, response: Response, by: User) -> Response:
    """Finish a response with the answers saved so far. Refused (nothing changed) while an
    answer is missing, unless the instrument allows prorating. Finishing twice is a no-op."""
    response = Response.objects.select_for_update().select_related("workspace").get(pk=response.pk)
    policies.require_owner(by, response.workspace, OWNER_ONLY)
    if response.is_completed:
        return response
    result = score(get_instrument(response.instrument), _stored(response.answers))
    if result.total is None:
        raise ValidationError(
            {
                "answers": _("Please answer every question before finishing (missing: %(items)s).")
                % {"items": ", ".join(str(n) for n in result.missing)}
            },
            code="incomplete",
        )
    _complete(response, result, by)
    return response


def _complete(response: Response, result, by: User) -> None:
    now = timezone.now()
    response.status = Response.Status.COMPLETED
    response.completed_at = now
    response.total = result.total
    response.band = result.band.code
    response.prorated = result.prorated
    response.save(
        update_fields=["status", "completed_at", "total", "band", "prorated", "updated_at"]
    )
    Reminder.objects.filter(
        workspace_id=response.workspace_id,
        schedule__instrument=response.instrument,
        due_on__lte=timezone.localdate(now),
    ).exclude(status=Reminder.Status.COMPLETED).update(
        status=Reminder.Status.COMPLETED, completed_at=now, updated_at=now
    )
    _raise_deterioration(response, by)
    audit(
        action="measures.response.completed",
        actor=by,
        workspace=response.workspace,
        response=str(response.pk),
        instrument=response.instrument,
    )
    publish_workspace_event(
        workspace_id=response.workspace_id,
        kind="measures.completed",
        section=SECTION,
        data={"response": str(response.pk), "instrument": response.instrument},
    )


# A first score in these bands asks for an urgent review (docs/measures.md, "Deterioration").
SEVERE_FIRST_SCORE_BANDS = {"phq9": "severe", "gad7": "severe"}  # PHQ-9 >= 20, GAD-7 >= 15


def _raise_deterioration(response: Response, by: User) -> None:
    """Compare a finished score with the earlier ones of the same instrument.

    A reliable worsening against the baseline (the first completed score) OR against the
    previous completed score raises a routine deterioration alert (once per response). A
    severe first score (no earlier one) raises an urgent review alert."""
    earlier = list(
        Response.objects.filter(
            workspace_id=response.workspace_id,
            instrument=response.instrument,
            status=Response.Status.COMPLETED,
            total__isnull=False,
        )
        .exclude(pk=response.pk)
        .order_by("completed_at", "pk")
        .values_list("total", flat=True)
    )
    definition = get_instrument(response.instrument)
    if not earlier:
        if response.band == SEVERE_FIRST_SCORE_BANDS.get(response.instrument):
            alert_raise(
                workspace=response.workspace,
                kind="severe_score",
                severity="urgent",
                source_id=str(response.pk),
                actor=by,
            )
        return
    baseline, previous = earlier[0], earlier[-1]
    if "worse" in (
        reliable_change(definition, baseline, response.total),
        reliable_change(definition, previous, response.total),
    ):
        alert_raise(
            workspace=response.workspace,
            kind="deterioration",
            severity="routine",
            source_id=str(response.pk),
            actor=by,
        )


@transaction.atomic
def safety_event_acknowledge(*, event: SafetyEvent, by: User) -> SafetyEvent:
    """A current member of the care team marks a risk event as seen and acted on (safety
    information is not a shareable section: every member may)."""
    event = SafetyEvent.objects.select_for_update().select_related("workspace").get(pk=event.pk)
    if policies.active_membership(by, event.workspace) is None:
        raise ValidationError(_("Only the care team can acknowledge this."))
    if event.status == SafetyEvent.Status.ACKNOWLEDGED:
        return event
    event.status = SafetyEvent.Status.ACKNOWLEDGED
    event.acknowledged_by = by
    event.acknowledged_at = timezone.now()
    event.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "updated_at"])
    audit(
        action="measures.safety.acknowledged",
        actor=by,
        workspace=event.workspace,
        safety_event=str(event.pk),
    )
    return event


# --- schedules -------------------------------------------------------------------------------


@transaction.atomic
def schedule_set(
    *,
    workspace: Workspace,
    instrument: str,
    starts_on: date,
    by: User,
    at_start: bool = True,
    every_weeks: int | None = None,
    ends_on: date | None = None,
    at_end: bool = False,
    active: bool = True,
) -> Schedule:
    """Create or replace the schedule of one instrument in a workspace."""
    policies.require_owner_or_member(by, workspace)
    _instrument_or_error(instrument)
    schedule = (
        Schedule.objects.select_for_update()
        .filter(workspace=workspace, instrument=instrument)
        .first()
    ) or Schedule(workspace=workspace, instrument=instrument, created_by=by)
    schedule.starts_on = starts_on
    schedule.at_start = at_start
    if every_weeks is not None and not 1 <= every_weeks <= 52:
        raise ValidationError({"every_weeks": _("Choose from 1 to 52 weeks, or leave it empty.")})
    schedule.every_weeks = every_weeks
    schedule.ends_on = ends_on
    schedule.at_end = at_end
    schedule.active = active
    if not (at_start or every_weeks or at_end):
        raise ValidationError(_("Choose at least one time for the questionnaire."))
    schedule.full_clean(exclude=["created_by"])
    created = schedule._state.adding
    schedule.save()
    audit(
        action="measures.schedule.created" if created else "measures.schedule.changed",
        actor=by,
        workspace=workspace,
        schedule=str(schedule.pk),
        instrument=instrument,
    )
    return schedule


FINAL_INSTRUMENTS = ("phq9", "gad7")


def final_measures_request(*, workspace: Workspace, by: User) -> list[Schedule]:
    """At discharge, ask the patient to fill in the PHQ-9 and the GAD-7 one last time: each
    is due today, once (its earlier schedule, if any, is replaced: the course is ending)."""
    today = timezone.localdate()
    return [
        schedule_set(
            workspace=workspace,
            instrument=code,
            starts_on=today,
            by=by,
            at_start=True,
            every_weeks=None,
            ends_on=None,
            at_end=False,
        )
        for code in FINAL_INSTRUMENTS
    ]


# --- reminders -------------------------------------------------------------------------------


def reminder_token(reminder: Reminder) -> str:
    return signing.dumps(str(reminder.pk), salt=REMINDER_SALT)


def reminder_opened(*, token: str) -> Reminder | None:
    """The tracking link: marks a sent reminder as opened, nothing else. Bad links do nothing."""
    try:
        reminder_id = signing.loads(token, salt=REMINDER_SALT)
        UUID(reminder_id)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update().filter(pk=reminder_id).first()
        if reminder is not None and reminder.status == Reminder.Status.SENT:
            reminder.status = Reminder.Status.OPENED
            reminder.opened_at = timezone.now()
            reminder.save(update_fields=["status", "opened_at", "updated_at"])
    return reminder


@dataclass
class ReminderRun:
    scheduled: int = 0
    sent: int = 0


def reminders_plan(*, today: date) -> ReminderRun:
    """Plan one reminder occurrence for every schedule occurrence that is due and not done.
    Safe to run as often as wanted (a unique row per schedule and date). Telling the patient is
    the reminders app's work (measures/reminder_kinds.py): at their chosen time and channel,
    content-free, and this occurrence is marked sent when it goes."""
    run = ReminderRun()
    schedules = Schedule.objects.filter(active=True).select_related("workspace__patient")
    known = set(instruments())
    for schedule in schedules:
        if schedule.instrument not in known:
            continue
        due_on = current_occurrence(schedule, today=today)
        if due_on is None:
            continue
        done = Response.objects.filter(
            workspace_id=schedule.workspace_id,
            instrument=schedule.instrument,
            status=Response.Status.COMPLETED,
            completed_at__date__gte=due_on,
        ).exists()
        if done:
            continue
        try:
            with transaction.atomic():
                _reminder, created = Reminder.objects.get_or_create(
                    schedule=schedule, due_on=due_on, defaults={"workspace": schedule.workspace}
                )
        except IntegrityError:  # a concurrent run planned it first
            created = False
        run.scheduled += int(created)
    return run


# --- the personal measure --------------------------------------------------------------------


@transaction.atomic
def personal_items_set(*, workspace: Workspace, texts: list[str], by: User) -> list[PersonalItem]:
    """Name up to three things that matter (the patient, or a care-team member with them).
    Replaces the current list; earlier items are archived, keeping their ratings."""
    policies.require_owner_or_member(by, workspace)
    cleaned = [t.strip() for t in texts if t and t.strip()]
    if not cleaned:
        raise ValidationError({"texts": _("Name at least one thing that matters to you.")})
    if len(cleaned) > MAX_PERSONAL_ITEMS:
        raise ValidationError({"texts": _("Choose up to three things.")})
    if any(len(t) > 200 for t in cleaned):
        raise ValidationError({"texts": _("Please keep each one under 200 characters.")})
    current = list(
        PersonalItem.objects.select_for_update().filter(
            workspace=workspace, archived_at__isnull=True
        )
    )
    if [item.text for item in current] == cleaned:
        return current
    now = timezone.now()
    PersonalItem.objects.filter(pk__in=[item.pk for item in current]).update(
        archived_at=now, updated_at=now
    )
    items = [
        PersonalItem.objects.create(workspace=workspace, text=text, position=n, created_by=by)
        for n, text in enumerate(cleaned, start=1)
    ]
    audit(action="measures.personal.items_set", actor=by, workspace=workspace, count=len(items))
    return items


@transaction.atomic
def personal_check_record(
    *, workspace: Workspace, ratings: Mapping, by: User, client_id: UUID | None = None
) -> PersonalCheck:
    """Rate each current thing that matters 0-10. Every current item must be rated; a retried
    submit with the same ``client_id`` is stored once."""
    policies.require_owner(by, workspace, OWNER_ONLY)
    if client_id is not None:
        existing = PersonalCheck.objects.filter(workspace=workspace, client_id=client_id).first()
        if existing is not None:
            return existing
    items = {
        str(item.pk): item
        for item in PersonalItem.objects.filter(workspace=workspace, archived_at__isnull=True)
    }
    if not items:
        raise ValidationError(_("Name the things that matter to you first."))
    given = {str(key): value for key, value in ratings.items()}
    if set(given) != set(items):
        raise ValidationError({"ratings": _("Please rate each of your things, and only those.")})
    scores = {}
    for key, value in given.items():
        if isinstance(value, bool):
            raise ValidationError({"ratings": _("Each rating is a whole number from 0 to 10.")})
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                {"ratings": _("Each rating is a whole number from 0 to 10.")}
            ) from None
        if str(number) != str(value).strip() or not 0 <= number <= 10:
            raise ValidationError({"ratings": _("Each rating is a whole number from 0 to 10.")})
        scores[key] = number
    check = PersonalCheck.objects.create(workspace=workspace, client_id=client_id)
    PersonalRating.objects.bulk_create(
        [
            PersonalRating(personal_check=check, item=items[key], score=number)
            for key, number in scores.items()
        ]
    )
    audit(action="measures.personal.checked", actor=by, workspace=workspace, check=str(check.pk))
    publish_workspace_event(
        workspace_id=workspace.pk,
        kind="measures.personal_checked",
        section=SECTION,
        data={"check": str(check.pk)},
    )
    return check
