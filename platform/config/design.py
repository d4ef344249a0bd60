"""The component gallery at ``/design/``: every component of the design system rendered with
made-up content, public and free of patient data. docs/design-system.md documents the markup;
the browser tests check overflow, contrast and accessibility here."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET


class ExampleForm(forms.Form):
    """Shown bound to invalid data, so the gallery renders the error summary and field errors."""

    name = forms.CharField(
        label=_("What should we call you?"), help_text=_("A first name is enough.")
    )
    email = forms.EmailField(label=_("E-mail address"))
    contact = forms.ChoiceField(
        label=_("How may your care team contact you?"),
        choices=[("message", _("A message here")), ("phone", _("A phone call"))],
        widget=forms.RadioSelect,
    )
    agree = forms.BooleanField(label=_("I have read how my data is used"), required=False)


# Days of a habit for the chain example: (label, done, today).
CHAIN = [
    (_("Mon"), True, False),
    (_("Tue"), True, False),
    (_("Wed"), False, False),
    (_("Thu"), True, False),
    (_("Fri"), True, False),
    (_("Sat"), True, False),
    (_("Sun"), False, True),
]

# Rungs of a goal ladder, easiest first: (text, state).
LADDER = [
    (_("Walk to the end of the street"), "done"),
    (_("Walk to the shop and back"), "done"),
    (_("Walk to the park with a friend"), "current"),
    (_("Walk round the park alone"), ""),
    (_("Walk to the town centre"), ""),
]


@require_GET
def gallery(request):
    form = ExampleForm(data={"name": "", "email": "not an address", "contact": ""})
    form.is_valid()
    context = {
        "form": form,
        "chain": CHAIN,
        "ladder": LADDER,
        "scale": range(0, 11),
        "swatches": [
            "paper",
            "surface",
            "surface-sunk",
            "ink",
            "ink-muted",
            "line",
            "line-strong",
            "brand",
            "accent",
            "accent-soft",
            "warm",
            "warm-soft",
            "danger",
            "danger-soft",
            "warn",
            "warn-soft",
            "ok",
            "ok-soft",
            "focus",
            "focus-halo",
        ],
    }
    return render(request, "design/gallery.html", context)
