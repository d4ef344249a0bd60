"""Forms for the messaging pages of both faces (plain HTML posts that work without JavaScript)."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from messaging.models import ATTACHMENTS_PER_MESSAGE, MESSAGE_MAX_LENGTH

ACCEPTED_TYPES = "image/png,image/jpeg,image/webp,application/pdf,.png,.jpg,.jpeg,.webp,.pdf"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern). What they are is decided by
    ``messaging.attachments`` from their content, in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_TYPES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class MessageForm(forms.Form):
    """A new message. The hidden client id is made when the page is rendered, so submitting the
    same page twice (a double click, a retried post) stores the message once. The text may be
    empty when a file is attached (the service decides)."""

    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = MultipleFileField(label=_("Attach pictures or PDFs (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request: the limits come from settings and the text from the active language.
        self.fields["attachments"].help_text = gettext(
            "Up to %(count)d files of at most %(mb)d MB each: PNG, JPEG or WebP pictures, or PDF "
            "documents. Pictures are saved without the place and camera details a phone adds."
        ) % {"count": ATTACHMENTS_PER_MESSAGE, "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}


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
