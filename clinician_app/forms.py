from django import forms
from django.utils.translation import gettext_lazy as _


class InvitePatientForm(forms.Form):
    email = forms.EmailField(
        label=_("The patient's e-mail address"),
        max_length=254,
        help_text=_(
            "They receive a link that works once and expires. Nothing is shared with you until they choose."
        ),
    )


class DischargeForm(forms.Form):
    """The discharge summary the patient reads, and the final questionnaires."""

    worked_on = forms.CharField(
        label=_("What we worked on"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In plain words, for the patient: they read this summary."),
    )
    helped = forms.CharField(
        label=_("What helped (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_steps = forms.CharField(
        label=_("Staying well and next steps"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What to keep doing, early signs to watch for, and who to contact."),
    )
    final_measures = forms.BooleanField(
        label=_("Ask the patient to fill in the PHQ-9 and GAD-7 one last time"),
        required=False,
        initial=True,
        help_text=_("Answers within 14 days of the discharge count for this course."),
    )
