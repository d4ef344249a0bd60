from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from care.reports import BY_CLINICIAN, BY_TEAM
from config.input_hygiene import validate_sensible_date


def _default_start() -> date:
    today = timezone.localdate()
    return today.replace(day=1) - timedelta(days=365)


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        validators=[validate_sensible_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_("Up to and including"),
        validators=[validate_sensible_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    by = forms.ChoiceField(
        label=_("Per"),
        choices=[(BY_TEAM, _("Team")), (BY_CLINICIAN, _("Clinician"))],
        initial=BY_TEAM,
    )

    @classmethod
    def initial_values(cls) -> dict:
        return {"start": _default_start(), "end": timezone.localdate(), "by": BY_TEAM}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The period ends before it starts."))
            if (end - start).days > 5 * 366:
                raise forms.ValidationError(_("Choose a period of at most five years."))
        return data
