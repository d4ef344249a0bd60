from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.input_hygiene import DateField
from guidance.conf import MANUAL_MAX_MINUTES
from guidance.models import GuidanceKind


class GuidanceEntryForm(forms.Form):
    """A manual entry, or the correction of one of the clinician's own entries (``entry``)."""

    entry = forms.UUIDField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("What kind of work"), choices=GuidanceKind.choices)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=MANUAL_MAX_MINUTES)
    occurred_on = DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example “phone call”. Please keep clinical details in the record."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate

    def _post_clean(self):
        super()._post_clean()
        # The hidden field has no place to show its error: say it above the form.
        if "entry" in self._errors:
            del self._errors["entry"]
            self.add_error(None, _("That entry cannot be corrected here."))
