"""Forms shared by the patient's and the clinician's toolbox pages. They only parse and bound
input; the services validate again and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from toolbox.models import (
    CONTACT_MAX,
    ITEM_MAX,
    JOURNAL_MAX,
    NOTE_MAX,
    CrisisKind,
    NetworkContact,
)

SCALE_LABELS = {
    "mood": (_("Mood"), _("1 = very low, 5 = very good")),
    "symptoms": (_("Symptom intensity"), _("1 = hardly any, 5 = very strong")),
    "energy": (_("Energy"), _("1 = exhausted, 5 = full of energy")),
    "sleep": (_("Sleep"), _("1 = very poor, 5 = very good")),
}


def _scale_field(key: str) -> forms.TypedChoiceField:
    label, help_text = SCALE_LABELS[key]
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )


class CheckInForm(forms.Form):
    mood = _scale_field("mood")
    symptoms = _scale_field("symptoms")
    energy = _scale_field("energy")
    sleep = _scale_field("sleep")
    activities = forms.CharField(
        label=_("What did you do today? (optional)"), max_length=300, required=False
    )
    note = forms.CharField(
        label=_("A note (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    private = forms.BooleanField(
        label=_("Keep this entry private, even from those who see my check-ins"), required=False
    )


class CrisisItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Part of the plan"), choices=CrisisKind.choices)
    text = forms.CharField(label=_("What to add"), max_length=ITEM_MAX)
    contact = forms.CharField(
        label=_("Phone number or how to reach (optional)"), max_length=CONTACT_MAX, required=False
    )


class CrisisItemEditForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=ITEM_MAX)
    contact = forms.CharField(
        label=_("Phone number or how to reach (optional)"), max_length=CONTACT_MAX, required=False
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class NetworkContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Who this is"), choices=NetworkContact.Kind.choices)
    closeness = forms.TypedChoiceField(
        label=_("How close"),
        choices=NetworkContact.Closeness.choices,
        coerce=int,
        initial=NetworkContact.Closeness.MIDDLE,
    )
    practical = forms.BooleanField(label=_("Gives practical support"), required=False)
    emotional = forms.BooleanField(label=_("Gives emotional support"), required=False)
    company = forms.BooleanField(label=_("Gives company"), required=False)
    wants_more_contact = forms.BooleanField(
        label=_("I would like more contact with them"), required=False
    )


class JournalEntryForm(forms.Form):
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Your note"), max_length=JOURNAL_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    shared = forms.BooleanField(
        label=_("Share this entry with my care team (only with those I share my journal with)"),
        required=False,
    )
    for_relatives = forms.BooleanField(
        label=_("Let the people I trust read this entry (only those I share my journal with)"),
        required=False,
    )
