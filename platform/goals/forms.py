"""Forms for goal ladders and habits, shared by the patient's and the clinician's faces.

Forms check shapes (a date is a date, a number a number); the services own the rules and their
``ValidationError`` is mapped back onto the form with ``add_service_errors``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from config.input_hygiene import DateField
from goals.chain import ScheduleKind
from goals.models import TEXT_LONG, TEXT_SHORT, Step

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class LadderForm(forms.Form):
    title = forms.CharField(
        label=_("What matters to you?"),
        max_length=TEXT_SHORT,
        help_text=_("A goal in your own words, for example “Walk to the shop on my own”."),
    )
    why = forms.CharField(
        label=_("Why does it matter? (your values)"),
        max_length=TEXT_LONG,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LadderEditForm(LadderForm, VersionedForm):
    pass


class StepForm(forms.Form):
    description = forms.CharField(label=_("Step"), max_length=TEXT_SHORT)
    target_date = DateField(label=_("Target date (optional)"), required=False, widget=DateInput)
    difficulty = forms.IntegerField(
        label=_("How hard does it feel? 0 = easy, 10 = very hard (optional)"),
        min_value=0,
        max_value=10,
        required=False,
    )


class StepEditForm(StepForm, VersionedForm):
    pass


class StateForm(VersionedForm):
    state = forms.ChoiceField(label=_("Where are you with this step?"), choices=Step.State.choices)


class ReflectForm(VersionedForm):
    reflection = forms.CharField(
        label=_("How did it go?"),
        max_length=TEXT_LONG,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What went well, what was hard, what you would try next time."),
    )
    state = forms.ChoiceField(label=_("Where are you with this step?"), choices=Step.State.choices)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Easier")), ("down", _("Harder"))])


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=TEXT_LONG, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteMixin(forms.Form):
    note = forms.CharField(
        label=_("A note for the patient (optional)"),
        max_length=TEXT_LONG,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LadderProposalForm(LadderForm, NoteMixin):
    pass


class StepProposalForm(StepForm, NoteMixin):
    pass


class HabitForm(forms.Form):
    name = forms.CharField(label=_("Habit"), max_length=TEXT_SHORT)
    schedule_kind = forms.ChoiceField(
        label=_("How often?"),
        choices=[
            (ScheduleKind.DAILY.value, _("Every day")),
            (ScheduleKind.WEEKDAYS.value, _("On the days I choose")),
            (ScheduleKind.PER_WEEK.value, _("A number of times a week, any days")),
        ],
        initial=ScheduleKind.DAILY.value,
        widget=forms.RadioSelect,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Which days? (for “on the days I choose”)"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    times_per_week = forms.IntegerField(
        label=_("How many times a week? (for “a number of times a week”)"),
        min_value=1,
        max_value=7,
        required=False,
    )


class CheckForm(forms.Form):
    day = DateField()
    done = forms.TypedChoiceField(
        choices=[("1", _("Mark done")), ("0", _("Unmark"))], coerce=lambda v: v == "1"
    )
