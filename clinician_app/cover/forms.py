from django import forms
from django.utils.translation import gettext_lazy as _

from care.models import Cover
from config.input_hygiene import PlanDateField


class CoverForm(forms.Form):
    colleague = forms.ModelChoiceField(
        label=_("Colleague who covers"),
        queryset=None,
        empty_label=_("Choose a colleague"),
        help_text=_("A GP or therapist of your organisation."),
    )
    starts_on = PlanDateField(
        label=_("First day away"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = PlanDateField(
        label=_("Last day away"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("At most %(days)d days.") % {"days": Cover.MAX_DAYS},
    )
    note = forms.CharField(
        label=_("A short note to your patients (optional)"),
        max_length=280,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Patients see it with the cover. Please do not write about any one patient."),
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = colleagues
