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
