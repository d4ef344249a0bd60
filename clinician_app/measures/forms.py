from django import forms
from django.utils.translation import gettext_lazy as _

from config.input_hygiene import PlanDateField
from measures.definitions import instrument_choices


class ScheduleForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Questionnaire"), choices=())
    starts_on = PlanDateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    at_start = forms.BooleanField(label=_("At the start"), required=False, initial=True)
    every_weeks = forms.IntegerField(
        label=_("Every how many weeks (leave empty for none)"),
        required=False,
        min_value=1,
        max_value=52,
    )
    ends_on = PlanDateField(
        label=_("End of the programme"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    at_end = forms.BooleanField(label=_("At the end"), required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instrument_choices()
