from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import CareCadence
from config.input_hygiene import PlanDateField


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A short note for the care team. Please do not paste messages or answers."),
    )


class CadenceForm(forms.ModelForm):
    class Meta:
        model = CareCadence
        fields = ["review_interval_days", "next_review_on", "inactivity_days"]
        field_classes = {"next_review_on": PlanDateField}
        widgets = {"next_review_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "inactivity_days": _("You get an alert when the patient has been quiet this long."),
            "next_review_on": _("Leave empty if no review is planned."),
        }


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    shared_with_patient = forms.BooleanField(
        label=_("Share this note with the patient"), required=False
    )
