"""Goal ladders (co-set by patient and care team) and habits ("Don't break the chain")."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from goals.chain import Schedule, ScheduleKind

TEXT_SHORT = 200
TEXT_LONG = 2000


class Ladder(models.Model):
    """A goal: what matters and why (the patient's values), reached by graded steps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "care.Workspace", on_delete=models.CASCADE, related_name="goal_ladders"
    )
    title = models.CharField(_("what matters to you"), max_length=TEXT_SHORT)
    why = models.TextField(_("why it matters (your values)"), max_length=TEXT_LONG, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    # Optimistic concurrency: every change bumps it; an edit carrying an older one is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["workspace", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(title=""), name="goal_ladder_title_set")
        ]

    def __str__(self) -> str:
        return f"Ladder {self.pk}"


class Step(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        TRYING = "trying", _("Trying")
        DONE = "done", _("Done")
        SET_ASIDE = "set_aside", _("Set aside")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ladder = models.ForeignKey(Ladder, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)  # 0 = easiest
    description = models.CharField(_("step"), max_length=TEXT_SHORT)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    difficulty = models.PositiveSmallIntegerField(
        _("how hard it feels (0-10)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.PLANNED)
    reflection = models.TextField(_("how did it go?"), max_length=TEXT_LONG, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ladder", "position", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(difficulty__isnull=True) | models.Q(difficulty__lte=10),
                name="goal_step_difficulty_0_10",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["planned", "trying", "done", "set_aside"]),
                name="goal_step_state_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(description=""), name="goal_step_description_set"
            ),
        ]

    def __str__(self) -> str:
        return f"Step {self.pk}"


class Proposal(models.Model):
    """A care-team member's suggestion; it changes nothing until the patient answers it."""

    class Kind(models.TextChoices):
        NEW_LADDER = "new_ladder", _("A new goal")
        EDIT_LADDER = "edit_ladder", _("A change to the goal")
        NEW_STEP = "new_step", _("A new step")
        EDIT_STEP = "edit_step", _("A change to a step")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for your answer")
        ACCEPTED = "accepted", _("Accepted")
        CHANGED = "changed", _("Accepted with changes")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "care.Workspace", on_delete=models.CASCADE, related_name="goal_proposals"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    ladder = models.ForeignKey(
        Ladder, on_delete=models.CASCADE, null=True, blank=True, related_name="proposals"
    )
    step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    # The proposed values: {"title", "why"} for a goal, {"description", "target_date",
    # "difficulty"} for a step (only the fields that change, for an edit).
    payload = models.JSONField(default=dict)
    note = models.TextField(_("a note for the patient"), max_length=TEXT_LONG, blank=True)
    base_version = models.PositiveIntegerField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="new_ladder") | models.Q(ladder__isnull=False),
                name="goal_proposal_has_ladder",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["open", "accepted", "changed", "declined", "withdrawn"]
                ),
                name="goal_proposal_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def payload_rows(self) -> list[dict]:
        from goals.history import payload_rows

        return payload_rows(self.payload)


class Comment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ladder = models.ForeignKey(Ladder, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=TEXT_LONG)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="goal_comment_set")
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk}"


class LadderChange(models.Model):
    """The version history of a ladder: who changed what, when. Both sides can read it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ladder = models.ForeignKey(Ladder, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=40)  # dotted code, e.g. "step.edited"
    step = models.ForeignKey(Step, on_delete=models.SET_NULL, null=True, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.SET_NULL, null=True, related_name="+")
    # {field: [before, after]} for edits; {field: value} for creations.
    changes = models.JSONField(default=dict)
    ladder_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-ladder_version"]
        indexes = [models.Index(fields=["ladder", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.pk}"


class Habit(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey("care.Workspace", on_delete=models.CASCADE, related_name="habits")
    name = models.CharField(_("habit"), max_length=TEXT_SHORT)
    schedule_kind = models.CharField(
        _("how often"),
        max_length=10,
        choices=[
            (ScheduleKind.DAILY.value, _("Every day")),
            (ScheduleKind.WEEKDAYS.value, _("On chosen weekdays")),
            (ScheduleKind.PER_WEEK.value, _("A number of times a week")),
        ],
        default=ScheduleKind.DAILY.value,
    )
    # Bit i set = weekday i (0 = Monday) is scheduled. Only for "weekdays".
    weekday_mask = models.PositiveSmallIntegerField(default=0)
    times_per_week = models.PositiveSmallIntegerField(default=0)
    start_date = models.DateField()  # the patient's local day the habit began
    source_step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="habits"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["workspace", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(schedule_kind="daily", weekday_mask=0, times_per_week=0)
                    | models.Q(
                        schedule_kind="weekdays",
                        weekday_mask__gte=1,
                        weekday_mask__lte=127,
                        times_per_week=0,
                    )
                    | models.Q(
                        schedule_kind="per_week",
                        weekday_mask=0,
                        times_per_week__gte=1,
                        times_per_week__lte=7,
                    )
                ),
                name="goal_habit_schedule_valid",
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="goal_habit_name_set"),
        ]

    def __str__(self) -> str:
        return f"Habit {self.pk}"

    @property
    def weekdays(self) -> frozenset[int]:
        return frozenset(i for i in range(7) if self.weekday_mask & (1 << i))

    @property
    def weekday_names(self) -> list[str]:
        from goals.forms import WEEKDAY_CHOICES

        return [str(label) for value, label in WEEKDAY_CHOICES if value in self.weekdays]

    @property
    def schedule(self) -> Schedule:
        return Schedule(
            kind=ScheduleKind(self.schedule_kind),
            weekdays=self.weekdays,
            times_per_week=self.times_per_week,
        )


class HabitCheck(models.Model):
    """One local calendar day marked done. At most one per habit and day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    habit = models.ForeignKey(Habit, on_delete=models.CASCADE, related_name="checks")
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["habit", "day"]
        constraints = [
            models.UniqueConstraint(fields=["habit", "day"], name="goal_habit_one_check_per_day")
        ]

    def __str__(self) -> str:
        return f"Check {self.pk}"
