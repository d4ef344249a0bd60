"""Writes for goal ladders, proposals, comments and habits.

Every service is atomic and keyword-only, checks who is acting through ``care.policies``,
validates, writes the ladder's version history (``LadderChange``) and the audit trail in the same
transaction, and publishes a workspace event (ids only) after commit.

Who may do what:

* the patient (workspace owner) changes ladders, steps and habits directly;
* an active care-team member with "goals" shared proposes (a new ladder, a new step, an edit),
  withdraws their own open proposals and comments; they never change a ladder directly;
* concurrent edits are refused, never lost: each ladder and step carries a ``version`` that an
  edit must quote; a stale one raises ``Conflict``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from care import policies
from care.events import publish_workspace_event
from care.models import Workspace
from care.sections import Section
from goals.chain import ScheduleKind, local_day
from goals.models import (
    TEXT_LONG,
    TEXT_SHORT,
    Comment,
    Habit,
    HabitCheck,
    Ladder,
    LadderChange,
    Proposal,
    Step,
)
from goals.selectors import steps_in_order
from guidance.services import guidance_record
from records.services import audit

MAX_STEPS = 30
MAX_TARGET_YEARS = 5


class Conflict(Exception):
    """The thing changed under the actor (stale version, proposal already answered)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# --- who may act -----------------------------------------------------------------------------


OWNER_ONLY = _lazy(
    "Only the patient changes their goals directly. You can send a proposal instead."
)
MEMBERS_ONLY = _lazy("Only members of the care team can propose changes.")


def local_today(user: User, *, now=None) -> date:
    return local_day(now or timezone.now(), user.timezone)


# --- validation shared by direct edits and proposals -----------------------------------------


def _clean_text(value, *, field: str, max_length: int, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({field: _("Please write this as text.")})
    value = value.strip()
    if required and not value:
        raise ValidationError({field: _("Please fill this in.")})
    if len(value) > max_length:
        raise ValidationError(
            {field: _("Please keep this under %(n)d characters.") % {"n": max_length}}
        )
    return value


def _clean_difficulty(value):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValidationError({"difficulty": _("Choose a number from 0 to 10.")})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"difficulty": _("Choose a number from 0 to 10.")}) from None
    if number != value and str(number) != str(value).strip():
        raise ValidationError({"difficulty": _("Choose a whole number from 0 to 10.")})
    if not 0 <= number <= 10:
        raise ValidationError({"difficulty": _("Choose a number from 0 to 10.")})
    return number


def _clean_target_date(value, *, today: date, previous: date | None = None):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            parsed = parse_date(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError({"target_date": _("Please give a real date (YYYY-MM-DD).")})
        value = parsed
    if not isinstance(value, date):
        raise ValidationError({"target_date": _("Please give a real date (YYYY-MM-DD).")})
    if value == previous:
        return value  # unchanged: an old target date may stay as it is
    if value < today:
        raise ValidationError({"target_date": _("A new target date cannot be in the past.")})
    if value > today + timedelta(days=366 * MAX_TARGET_YEARS):
        raise ValidationError(
            {
                "target_date": _("Please pick a date within the next %(n)d years.")
                % {"n": MAX_TARGET_YEARS}
            }
        )
    return value


LADDER_FIELDS = ("title", "why")
STEP_FIELDS = ("description", "target_date", "difficulty")


def clean_ladder_fields(data: dict, *, partial: bool = False) -> dict:
    unknown = set(data) - set(LADDER_FIELDS)
    if unknown:
        raise ValidationError({"detail": _("Unknown field: %(f)s") % {"f": ", ".join(unknown)}})
    cleaned = {}
    if "title" in data or not partial:
        cleaned["title"] = _clean_text(
            data.get("title"), field="title", max_length=TEXT_SHORT, required=True
        )
    if "why" in data or not partial:
        cleaned["why"] = _clean_text(
            data.get("why"), field="why", max_length=TEXT_LONG, required=False
        )
    return cleaned


def clean_step_fields(
    data: dict, *, today: date, partial: bool = False, step: Step | None = None
) -> dict:
    unknown = set(data) - set(STEP_FIELDS)
    if unknown:
        raise ValidationError({"detail": _("Unknown field: %(f)s") % {"f": ", ".join(unknown)}})
    cleaned = {}
    errors = {}
    checks = {
        "description": lambda v: _clean_text(
            v, field="description", max_length=TEXT_SHORT, required=True
        ),
        "target_date": lambda v: _clean_target_date(
            v, today=today, previous=step.target_date if step else None
        ),
        "difficulty": _clean_difficulty,
    }
    for name, check in checks.items():
        if name in data or not partial:
            try:
                cleaned[name] = check(data.get(name))
            except ValidationError as error:
                errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _json_value(value):
    return value.isoformat() if isinstance(value, date) else value


# --- history ---------------------------------------------------------------------------------


def _lock_ladder(ladder: Ladder) -> Ladder:
    return Ladder.objects.select_for_update().select_related("workspace").get(pk=ladder.pk)


def _record(
    *,
    ladder: Ladder,
    actor: User,
    action: str,
    step: Step | None = None,
    proposal: Proposal | None = None,
    changes: dict | None = None,
) -> LadderChange:
    """One entry in the ladder's version history, in the audit trail, and a live event."""
    ladder.version += 1
    ladder.save(update_fields=["version", "updated_at"])
    entry = LadderChange.objects.create(
        ladder=ladder,
        actor=actor,
        action=action,
        step=step,
        proposal=proposal,
        changes={
            k: [_json_value(v) for v in pair]
            if isinstance(pair, list | tuple)
            else _json_value(pair)
            for k, pair in (changes or {}).items()
        },
        ladder_version=ladder.version,
    )
    ids = {"ladder": str(ladder.pk)}
    if step is not None:
        ids["step"] = str(step.pk)
    if proposal is not None:
        ids["proposal"] = str(proposal.pk)
    audit(action=f"goals.{action}", actor=actor, workspace=ladder.workspace, **ids)
    publish_workspace_event(
        workspace_id=ladder.workspace_id,
        kind=f"goals.{action}",
        section=Section.GOALS.value,
        data=ids | {"version": ladder.version},
    )
    return entry


def _check_version(current: int, given: int | None, what: str) -> None:
    if given is None or int(given) != current:
        raise Conflict(
            _(
                "Someone else changed this %(what)s while you were editing. "
                "Nothing was overwritten: please look at the latest version and try again."
            )
            % {"what": what}
        )


# --- ladders ---------------------------------------------------------------------------------


def _create_ladder(*, workspace, by, fields, proposal=None) -> Ladder:
    # Version 0 until the creation is recorded, so the first history entry is version 1.
    ladder = Ladder(workspace=workspace, created_by=by, version=0, **fields)
    ladder.full_clean()
    ladder.save()
    _record(
        ladder=ladder, actor=by, action="ladder.created", proposal=proposal, changes=dict(fields)
    )
    return ladder


@transaction.atomic
def ladder_create(*, workspace: Workspace, by: User, title: str, why: str = "") -> Ladder:
    policies.require_owner(by, workspace, OWNER_ONLY)
    fields = clean_ladder_fields({"title": title, "why": why})
    return _create_ladder(workspace=workspace, by=by, fields=fields)


def _apply_ladder_edit(*, ladder: Ladder, by, fields, proposal=None) -> Ladder:
    changes = {
        name: [getattr(ladder, name), value]
        for name, value in fields.items()
        if getattr(ladder, name) != value
    }
    if not changes:
        return ladder
    for name, (_before, after) in changes.items():
        setattr(ladder, name, after)
    ladder.full_clean()
    ladder.save(update_fields=[*changes, "updated_at"])
    _record(ladder=ladder, actor=by, action="ladder.edited", proposal=proposal, changes=changes)
    return ladder


@transaction.atomic
def ladder_update(*, ladder: Ladder, by: User, version: int | None, **data) -> Ladder:
    ladder = _lock_ladder(ladder)
    policies.require_owner(by, ladder.workspace, OWNER_ONLY)
    fields = clean_ladder_fields(data, partial=True)
    _check_ladder_version(ladder, version)
    return _apply_ladder_edit(ladder=ladder, by=by, fields=fields)


def _check_ladder_version(ladder: Ladder, version: int | None) -> None:
    """The ladder's version moves with every step, comment and proposal. An edit of the goal
    made on an older version is merged when nobody changed the goal itself since; it is a
    conflict only when the goal's own text changed in between."""
    try:
        seen = int(version)
    except (TypeError, ValueError):
        seen = -1
    if seen == ladder.version:
        return
    if (
        not 1 <= seen < ladder.version
        or LadderChange.objects.filter(
            ladder=ladder, ladder_version__gt=seen, action="ladder.edited"
        ).exists()
    ):
        _check_version(ladder.version, None, _("goal"))


@transaction.atomic
def ladder_archive(*, ladder: Ladder, by: User, archived: bool = True) -> Ladder:
    ladder = _lock_ladder(ladder)
    policies.require_owner(by, ladder.workspace, OWNER_ONLY)
    if bool(ladder.archived_at) == archived:
        return ladder
    ladder.archived_at = timezone.now() if archived else None
    ladder.save(update_fields=["archived_at", "updated_at"])
    _record(
        ladder=ladder,
        actor=by,
        action="ladder.archived" if archived else "ladder.restored",
    )
    return ladder


# --- steps -----------------------------------------------------------------------------------


def _add_step(*, ladder: Ladder, by, fields, proposal=None) -> Step:
    if ladder.steps.count() >= MAX_STEPS:
        raise ValidationError(
            _("A ladder can have up to %(n)d steps. Setting one aside is fine too.")
            % {"n": MAX_STEPS}
        )
    top = ladder.steps.aggregate(top=Max("position"))["top"]
    step = Step(ladder=ladder, created_by=by, position=0 if top is None else top + 1, **fields)
    step.full_clean()
    step.save()
    _record(
        ladder=ladder,
        actor=by,
        action="step.added",
        step=step,
        proposal=proposal,
        changes=dict(fields),
    )
    return step


@transaction.atomic
def step_add(
    *,
    ladder: Ladder,
    by: User,
    description: str,
    target_date: date | str | None = None,
    difficulty: int | None = None,
) -> Step:
    ladder = _lock_ladder(ladder)
    policies.require_owner(by, ladder.workspace, OWNER_ONLY)
    fields = clean_step_fields(
        {"description": description, "target_date": target_date, "difficulty": difficulty},
        today=local_today(by),
    )
    return _add_step(ladder=ladder, by=by, fields=fields)


def _lock_step(step: Step) -> tuple[Ladder, Step]:
    ladder = _lock_ladder(step.ladder)
    step = Step.objects.select_for_update().get(pk=step.pk)
    step.ladder = ladder
    return ladder, step


def _apply_step_edit(*, ladder, step, by, fields, proposal=None, action="step.edited") -> Step:
    changes = {
        name: [getattr(step, name), value]
        for name, value in fields.items()
        if getattr(step, name) != value
    }
    if not changes:
        return step
    if action is None:  # name the change by what actually changed
        action = {
            frozenset({"reflection"}): "step.reflected",
            frozenset({"state"}): "step.state_changed",
        }.get(frozenset(changes), "step.edited")
    for name, (_before, after) in changes.items():
        setattr(step, name, after)
    update = [*changes]
    if "state" in changes:
        step.done_at = timezone.now() if step.state == Step.State.DONE else None
        update.append("done_at")
    step.version += 1
    step.full_clean()
    step.save(update_fields=[*update, "version", "updated_at"])
    _record(ladder=ladder, actor=by, action=action, step=step, proposal=proposal, changes=changes)
    return step


@transaction.atomic
def step_update(*, step: Step, by: User, version: int | None, **data) -> Step:
    """The patient edits a step: any of description, target date, difficulty, state, reflection.
    ``version`` must be the one the patient saw; otherwise ``Conflict`` and nothing changes."""
    ladder, step = _lock_step(step)
    policies.require_owner(by, ladder.workspace, OWNER_ONLY)
    extra = {k: data.pop(k) for k in ("state", "reflection") if k in data}
    fields = clean_step_fields(data, today=local_today(by), partial=True, step=step)
    if "state" in extra:
        if extra["state"] not in Step.State.values:
            raise ValidationError({"state": _("Choose one of the listed states.")})
        fields["state"] = extra["state"]
    if "reflection" in extra:
        fields["reflection"] = _clean_text(
            extra["reflection"], field="reflection", max_length=TEXT_LONG, required=False
        )
    _check_version(step.version, version, _("step"))
    return _apply_step_edit(ladder=ladder, step=step, by=by, fields=fields, action=None)


@transaction.atomic
def step_reorder(*, ladder: Ladder, by: User, step_ids: list) -> list[Step]:
    """Store this order of the ladder's steps (easiest first) as the patient's choice. Readers
    order by difficulty first (``goals.selectors.STEP_ORDER``), so the stored order decides
    among steps rated the same, and among unrated ones. Returns the steps as readers see them."""
    ladder = _lock_ladder(ladder)
    policies.require_owner(by, ladder.workspace, OWNER_ONLY)
    steps = {str(s.pk): s for s in ladder.steps.select_for_update()}
    wanted = [str(i) for i in step_ids]
    if len(wanted) != len(set(wanted)) or set(wanted) != set(steps):
        raise ValidationError({"step_ids": _("List every step of this ladder exactly once.")})
    before = [str(s.pk) for s in sorted(steps.values(), key=lambda s: (s.position, s.created_at))]
    if before == wanted:
        return steps_in_order(steps.values())
    moved = []
    for position, step_id in enumerate(wanted):
        step = steps[step_id]
        if step.position != position:
            step.position = position
            moved.append(step)
    Step.objects.bulk_update(moved, ["position"])
    _record(ladder=ladder, actor=by, action="step.reordered", changes={"order": [before, wanted]})
    return steps_in_order(steps.values())


@transaction.atomic
def step_move(*, step: Step, by: User, direction: str) -> None:
    """Move one step a place easier ("up") or harder ("down")."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Choose up or down.")})
    ladder = step.ladder
    ordered = steps_in_order(ladder.steps.all())
    order = [str(s.pk) for s in ordered]
    index = order.index(str(step.pk))
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(order):
        return
    if ordered[other].difficulty != ordered[index].difficulty:
        # The ladder reads by how hard each step feels; a swap across ratings would not show.
        raise ValidationError(
            {
                "direction": _(
                    "Steps go in order of how hard they feel. Change the rating to move it."
                )
            }
        )
    order[index], order[other] = order[other], order[index]
    step_reorder(ladder=ladder, by=by, step_ids=order)


# --- proposals -------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    workspace: Workspace,
    by: User,
    kind: str,
    payload: dict,
    ladder: Ladder | None = None,
    step: Step | None = None,
    note: str = "",
    time_spent: timedelta | None = None,
) -> Proposal:
    """A care-team member with "goals" shared suggests a change. Nothing changes until the
    patient answers. Counts as the clinician's guidance time (goal setting)."""
    policies.require_member(by, workspace, Section.GOALS, MEMBERS_ONLY)
    if kind not in Proposal.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of proposal.")})
    if not isinstance(payload, dict):
        raise ValidationError({"payload": _("The proposal needs its fields.")})
    today = local_today(workspace.patient)
    base_version = None
    if kind == Proposal.Kind.NEW_LADDER:
        ladder = step = None
        payload = clean_ladder_fields(payload)
    else:
        if ladder is None or ladder.workspace_id != workspace.pk:
            raise ValidationError({"ladder": _("Choose one of the patient's goals.")})
        if kind == Proposal.Kind.EDIT_LADDER:
            step = None
            payload = clean_ladder_fields(payload, partial=True)
            base_version = ladder.version
        elif kind == Proposal.Kind.NEW_STEP:
            step = None
            payload = clean_step_fields(payload, today=today)
        else:
            if step is None or step.ladder_id != ladder.pk:
                raise ValidationError({"step": _("Choose one of this goal's steps.")})
            payload = clean_step_fields(payload, today=today, partial=True, step=step)
            base_version = step.version
        if kind in (Proposal.Kind.EDIT_LADDER, Proposal.Kind.EDIT_STEP):
            target = ladder if kind == Proposal.Kind.EDIT_LADDER else step
            payload = {k: v for k, v in payload.items() if getattr(target, k) != v}
            if not payload:
                raise ValidationError(_("This proposal would not change anything."))
    note = _clean_text(note, field="note", max_length=TEXT_LONG, required=False)
    proposal = Proposal.objects.create(
        workspace=workspace,
        kind=kind,
        ladder=ladder,
        step=step,
        payload={k: _json_value(v) for k, v in payload.items()},
        note=note,
        base_version=base_version,
        proposed_by=by,
    )
    ids = {"proposal": str(proposal.pk)}
    if ladder is not None:
        _record(
            ladder=_lock_ladder(ladder),
            actor=by,
            action="proposal.made",
            step=step,
            proposal=proposal,
            changes={"kind": kind, **proposal.payload},
        )
    else:
        audit(action="goals.proposal.made", actor=by, workspace=workspace, **ids)
        publish_workspace_event(
            workspace_id=workspace.pk, kind="goals.proposal.made", section="goals", data=ids
        )
    guidance_record(
        clinician=by,
        workspace_id=workspace.pk,
        kind="goal_setting",
        source=f"goal-proposal:{proposal.pk}",
        time_spent=time_spent,
    )
    return proposal


def _lock_proposal(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update()
        .select_related("workspace", "workspace__patient")
        .get(pk=proposal.pk)
    )


def _require_open(proposal: Proposal) -> None:
    if not proposal.is_open:
        raise Conflict(
            _("This proposal has already been answered or withdrawn (%(status)s).")
            % {"status": proposal.get_status_display()}
        )


@transaction.atomic
def proposal_answer(
    *, proposal: Proposal, by: User, decision: str, changes: dict | None = None
) -> Proposal:
    """The patient accepts (optionally with their own changes) or declines a proposal."""
    proposal = _lock_proposal(proposal)
    policies.require_owner(by, proposal.workspace, OWNER_ONLY)
    if decision not in ("accept", "decline"):
        raise ValidationError({"decision": _("Choose accept or decline.")})
    _require_open(proposal)
    if decision == "decline":
        proposal.status = Proposal.Status.DECLINED
    else:
        values = dict(proposal.payload)
        if changes:
            values.update(changes)
        today = local_today(by)
        if proposal.kind == Proposal.Kind.NEW_LADDER:
            fields = clean_ladder_fields(values)
        elif proposal.kind == Proposal.Kind.EDIT_LADDER:
            fields = clean_ladder_fields(values, partial=True)
        elif proposal.kind == Proposal.Kind.NEW_STEP:
            fields = clean_step_fields(values, today=today)
        else:
            if proposal.step_id is None:
                raise Conflict(_("The step this proposal was about no longer exists."))
            fields = clean_step_fields(values, today=today, partial=True, step=proposal.step)
        changed = any(fields.get(k) != _parse_back(k, v) for k, v in proposal.payload.items())
        changed = changed or set(fields) != set(proposal.payload)
        proposal.status = Proposal.Status.CHANGED if changed else Proposal.Status.ACCEPTED
        proposal.answered_by, proposal.answered_at = by, timezone.now()
        proposal.save(update_fields=["status", "answered_by", "answered_at", "updated_at"])
        if proposal.kind == Proposal.Kind.NEW_LADDER:
            proposal.ladder = _create_ladder(
                workspace=proposal.workspace, by=by, fields=fields, proposal=proposal
            )
            proposal.save(update_fields=["ladder", "updated_at"])
        else:
            ladder = _lock_ladder(proposal.ladder)
            if proposal.kind == Proposal.Kind.EDIT_LADDER:
                _apply_ladder_edit(ladder=ladder, by=by, fields=fields, proposal=proposal)
            elif proposal.kind == Proposal.Kind.NEW_STEP:
                _add_step(ladder=ladder, by=by, fields=fields, proposal=proposal)
            else:
                step = Step.objects.select_for_update().get(pk=proposal.step_id)
                _apply_step_edit(ladder=ladder, step=step, by=by, fields=fields, proposal=proposal)
        _after_close(proposal, by)
        return proposal
    proposal.answered_by, proposal.answered_at = by, timezone.now()
    proposal.save(update_fields=["status", "answered_by", "answered_at", "updated_at"])
    _after_close(proposal, by)
    return proposal


def _parse_back(name: str, value):
    if name == "target_date" and isinstance(value, str):
        return parse_date(value)
    return value


def _after_close(proposal: Proposal, by: User) -> None:
    if proposal.ladder_id:
        _record(
            ladder=_lock_ladder(proposal.ladder),
            actor=by,
            action=f"proposal.{proposal.status}",
            proposal=proposal,
            step=proposal.step,
        )
    else:
        ids = {"proposal": str(proposal.pk)}
        audit(
            action=f"goals.proposal.{proposal.status}",
            actor=by,
            workspace=proposal.workspace,
            **ids,
        )
        publish_workspace_event(
            workspace_id=proposal.workspace_id,
            kind=f"goals.proposal.{proposal.status}",
            section="goals",
            data=ids,
        )


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, by: User) -> Proposal:
    proposal = _lock_proposal(proposal)
    if proposal.proposed_by_id != by.pk:
        raise PermissionDenied(_("Only the person who made a proposal can withdraw it."))
    policies.require_member(by, proposal.workspace, Section.GOALS, MEMBERS_ONLY)
    _require_open(proposal)
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.answered_by, proposal.answered_at = by, timezone.now()
    proposal.save(update_fields=["status", "answered_by", "answered_at", "updated_at"])
    _after_close(proposal, by)
    return proposal


# --- comments --------------------------------------------------------------------------------


@transaction.atomic
def comment_add(
    *, ladder: Ladder, by: User, body: str, time_spent: timedelta | None = None
) -> Comment:
    ladder = _lock_ladder(ladder)
    if not policies.is_owner(by, ladder.workspace):
        policies.require_member(by, ladder.workspace, Section.GOALS, MEMBERS_ONLY)
    body = _clean_text(body, field="body", max_length=TEXT_LONG, required=True)
    comment = Comment.objects.create(ladder=ladder, author=by, body=body)
    _record(ladder=ladder, actor=by, action="comment.added", changes={"comment": str(comment.pk)})
    guidance_record(
        clinician=by,
        workspace_id=ladder.workspace_id,
        kind="goal_setting",
        source=f"goal-comment:{comment.pk}",
        time_spent=time_spent,
    )
    return comment


# --- habits ----------------------------------------------------------------------------------


def clean_schedule(*, kind, weekdays, times_per_week) -> tuple[str, int, int]:
    """(kind, weekday mask, times per week) or a ValidationError naming the field."""
    if kind not in ScheduleKind.__members__.values():
        raise ValidationError({"schedule_kind": _("Choose how often.")})
    kind = ScheduleKind(kind)
    if kind == ScheduleKind.DAILY:
        return kind.value, 0, 0
    if kind == ScheduleKind.WEEKDAYS:
        try:
            days = {int(d) for d in (weekdays or [])}
        except (TypeError, ValueError):
            raise ValidationError({"weekdays": _("Choose days of the week.")}) from None
        if not days or not days <= set(range(7)):
            raise ValidationError({"weekdays": _("Choose at least one day of the week.")})
        return kind.value, sum(1 << d for d in days), 0
    try:
        times = int(times_per_week)
    except (TypeError, ValueError):
        times = 0
    if isinstance(times_per_week, bool) or not 1 <= times <= 7:
        raise ValidationError({"times_per_week": _("Choose a number from 1 to 7.")})
    return kind.value, 0, times


@transaction.atomic
def habit_create(
    *,
    workspace: Workspace,
    by: User,
    name: str,
    schedule_kind: str = ScheduleKind.DAILY.value,
    weekdays=(),
    times_per_week: int | None = None,
    source_step: Step | None = None,
    now=None,
) -> Habit:
    policies.require_owner(by, workspace, OWNER_ONLY)
    name = _clean_text(name, field="name", max_length=TEXT_SHORT, required=True)
    kind, mask, times = clean_schedule(
        kind=schedule_kind, weekdays=weekdays, times_per_week=times_per_week
    )
    if source_step is not None and source_step.ladder.workspace_id != workspace.pk:
        raise ValidationError({"source_step": _("Choose one of your own steps.")})
    habit = Habit(
        workspace=workspace,
        name=name,
        schedule_kind=kind,
        weekday_mask=mask,
        times_per_week=times,
        start_date=local_today(by, now=now),
        source_step=source_step,
    )
    habit.full_clean()
    habit.save()
    ids = {"habit": str(habit.pk)}
    audit(action="goals.habit.created", actor=by, workspace=workspace, **ids)
    if source_step is not None:
        _record(
            ladder=_lock_ladder(source_step.ladder),
            actor=by,
            action="step.made_habit",
            step=source_step,
            changes={"habit": str(habit.pk)},
        )
    publish_workspace_event(
        workspace_id=workspace.pk, kind="goals.habit.created", section="habits", data=ids
    )
    return habit


@transaction.atomic
def step_to_habit(*, step: Step, by: User, **schedule) -> Habit:
    """Turn a ladder step into a habit to repeat (its description becomes the habit's name)."""
    return habit_create(
        workspace=step.ladder.workspace,
        by=by,
        name=step.description,
        source_step=step,
        **schedule,
    )


@transaction.atomic
def habit_archive(*, habit: Habit, by: User, archived: bool = True) -> Habit:
    habit = Habit.objects.select_for_update().select_related("workspace").get(pk=habit.pk)
    policies.require_owner(by, habit.workspace, OWNER_ONLY)
    if bool(habit.archived_at) != archived:
        habit.archived_at = timezone.now() if archived else None
        habit.save(update_fields=["archived_at", "updated_at"])
        audit(
            action="goals.habit.archived" if archived else "goals.habit.restored",
            actor=by,
            workspace=habit.workspace,
            habit=str(habit.pk),
        )
        publish_workspace_event(
            workspace_id=habit.workspace_id,
            kind="goals.habit.changed",
            section="habits",
            data={"habit": str(habit.pk)},
        )
    return habit


def markable_days(user: User, *, now=None) -> tuple[date, date]:
    """(yesterday, today) in the patient's own calendar: the only days that can be marked."""
    today = local_today(user, now=now)
    return today - timedelta(days=1), today


@transaction.atomic
def habit_check_set(
    *, habit: Habit, by: User, day: date | str, done: bool = True, now=None
) -> bool:
    """Mark (or unmark) one local day. Only today and yesterday; idempotent. Returns whether
    anything changed."""
    habit = Habit.objects.select_for_update().select_related("workspace").get(pk=habit.pk)
    policies.require_owner(by, habit.workspace, OWNER_ONLY)
    if isinstance(day, str):
        try:
            parsed = parse_date(day)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError({"day": _("Please give a real date (YYYY-MM-DD).")})
        day = parsed
    if not isinstance(day, date):
        raise ValidationError({"day": _("Please give a real date (YYYY-MM-DD).")})
    yesterday, today = markable_days(by, now=now)
    if day > today:
        raise ValidationError({"day": _("That day has not come yet.")})
    if day < yesterday:
        raise ValidationError(
            {"day": _("You can mark today or yesterday. Earlier days stay as they are.")}
        )
    if habit.archived_at is not None:
        raise ValidationError(_("This habit is archived. Restore it to mark days again."))
    if done:
        if day < habit.start_date:  # began yesterday, added today: the chain starts yesterday
            habit.start_date = day
            habit.save(update_fields=["start_date", "updated_at"])
        try:
            with transaction.atomic():
                _check, created = HabitCheck.objects.get_or_create(habit=habit, day=day)
        except IntegrityError:  # a parallel request marked it first
            created = False
        changed = created
    else:
        changed = HabitCheck.objects.filter(habit=habit, day=day).delete()[0] > 0
    if changed:
        audit(
            action="goals.habit.checked" if done else "goals.habit.unchecked",
            actor=by,
            workspace=habit.workspace,
            habit=str(habit.pk),
        )
        publish_workspace_event(
            workspace_id=habit.workspace_id,
            kind="goals.habit.checked",
            section="habits",
            data={"habit": str(habit.pk), "day": day.isoformat()},
        )
    return changed
