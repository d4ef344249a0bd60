from django import forms
from django.utils.translation import gettext_lazy as _

from config.input_hygiene import PlanDateField
from content.models import Module


class PrescribeForm(forms.Form):
    programme = forms.ModelChoiceField(queryset=None, label=_("Programme"), empty_label=None)
    start_on = PlanDateField(
        label=_("Suggested start date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("A short personal note (optional)"),
        help_text=_("The patient sees this on the first page of the programme."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recommended_modules = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Modules to recommend (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["recommended_modules"].queryset = Module.objects.filter(
            programme__in=programmes, retired=False
        ).select_related("programme")
        self.fields["recommended_modules"].label_from_instance = lambda m: m.title

    def clean(self):
        data = super().clean()
        programme, modules = data.get("programme"), data.get("recommended_modules") or []
        if programme and any(m.programme_id != programme.pk for m in modules):
            self.add_error("recommended_modules", _("Choose modules of the chosen programme."))
        return data
