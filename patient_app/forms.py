from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from care.sections import SECTION_DESCRIPTIONS, Section


class SectionsForm(forms.Form):
    """Which sections one care-team member may see. Nothing is ticked unless the patient ticks
    it: consent is never pre-filled."""

    sections = forms.MultipleChoiceField(
        label=_("What this person can see"),
        choices=Section.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def section_rows(self):
        chosen = set(self["sections"].value() or [])
        return [
            {
                "value": s.value,
                "label": s.label,
                "help": SECTION_DESCRIPTIONS[s],
                "checked": s.value in chosen,
            }
            for s in Section
        ]


class InvitationSignupForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. A few unrelated words work well."),
        max_length=128,
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=128,
    )
    agree = forms.BooleanField(
        label=_(
            "I understand that this is a self-help programme, not an emergency service, and that "
            "I decide what my care team can see."
        )
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            from accounts.models import User

            try:
                password_validation.validate_password(
                    p1, User(email=self.email, full_name=data.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
