"""Forms for the messaging pages of both faces (plain HTML posts that work without JavaScript)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.models import MESSAGE_MAX_LENGTH


class MessageForm(forms.Form):
    """A new message. The hidden client id is made when the page is rendered, so submitting the
    same page twice (a double click, a retried post) stores the message once."""

    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MessageEditForm(forms.Form):
    message = forms.UUIDField(widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Message"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


class MessageRemoveForm(forms.Form):
    message = forms.UUIDField(widget=forms.HiddenInput)


class PrivateThreadForm(forms.Form):
    membership = forms.UUIDField(label=_("Who"))


class AgreementForm(forms.Form):
    reply_within_working_days = forms.IntegerField(
        label=_("I reply within (working days)"), min_value=1, max_value=10, initial=2
    )
    office_hours = forms.CharField(
        label=_("When I read messages"),
        max_length=120,
        required=False,
        help_text=_("For example: Monday to Thursday, 9:00 to 15:00."),
    )


class AgreementAcknowledgeForm(forms.Form):
    membership = forms.UUIDField(widget=forms.HiddenInput)
