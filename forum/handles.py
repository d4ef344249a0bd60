"""Forum names (handles): a persona that never leads back to the person."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH, MAX_LENGTH = 3, 30
ALLOWED = re.compile(r"^[^\W_](?:[\w .'-]*[^\W_])?$")
DIGIT_RUN = re.compile(r"\d{4,}")
LINK = re.compile(r"(https?:|www\.|\.[a-z]{2,}(?:/|$)|@)", re.IGNORECASE)


def handle_key(handle: str) -> str:
    """The handle as compared: case, accents and spacing folded ("Quiet Fox" = "quiet  fox")."""
    text = unicodedata.normalize("NFKD", handle).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s._'-]+", "", text)


def clean_handle(handle, *, user) -> str:
    """The handle, trimmed, or a ValidationError saying what is wrong with it. A handle may not
    carry the person's own name, an e-mail address, a link or a long run of digits (a phone or
    personal number)."""
    if not isinstance(handle, str):
        raise ValidationError(_("Choose a forum name."), code="required")
    handle = re.sub(r"\s+", " ", handle).strip()
    if "\x00" in handle or any(0xD800 <= ord(c) <= 0xDFFF for c in handle):
        raise ValidationError(_("A forum name can only hold letters, digits and spaces."))
    if not MIN_LENGTH <= len(handle) <= MAX_LENGTH:
        raise ValidationError(
            _("A forum name is %(min)s to %(max)s characters long.")
            % {"min": MIN_LENGTH, "max": MAX_LENGTH}
        )
    if "@" in handle or LINK.search(handle):
        raise ValidationError(_("A forum name cannot hold an e-mail address or a link."))
    if DIGIT_RUN.search(handle):
        raise ValidationError(
            _("A forum name cannot hold a long number (it could be a phone or personal number).")
        )
    if not ALLOWED.match(handle):
        raise ValidationError(_("A forum name can only hold letters, digits and spaces."))
    key = handle_key(handle)
    own = [
        handle_key(part)
        for part in re.split(r"[\s@._-]+", f"{user.full_name} {user.email.split('@')[0]}")
        if len(handle_key(part)) >= 3
    ]
    if any(part in key for part in own):
        raise ValidationError(
            _("Choose a forum name without your own name in it: the forum never shows who you are.")
        )
    return handle
