"""Which language a person reads: the one place that decides it.

For a request, the first of these that names a language we have wins:

1. the account's language, when the person has chosen one (``User.language``; blank means
   "follow my browser");
2. the language picked with the switcher while signed out (a cookie);
3. the browser's languages, in its order of preference (``Accept-Language``; Norwegian asked for
   as ``no`` or ``nn`` reads Bokmål);
4. the organisation's default (``Organisation.language``, else its country's language);
5. English.

Away from a request (an e-mail, a live-socket text) the browser is not known, so the account's
language, then the organisation's default, then English decide: :func:`language_of`.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation.trans_real import parse_accept_lang_header

SUPPORTED: tuple[str, ...] = tuple(code for code, _ in settings.LANGUAGES)
# Codes a browser may send for a language we have under another code.
ALIASES = {"no": "nb", "nn": "nb", "nb-no": "nb", "no-no": "nb", "da-dk": "da"}
# The language most people read in each country we know (accounts.Organisation.country).
COUNTRY_LANGUAGE = {"DK": "da", "NO": "nb", "GB": "en"}
# The endonyms the switcher shows: each language named in itself.
NAMES = {"en": "English", "da": "Dansk", "nb": "Norsk bokmål"}


def supported(code: str | None) -> str | None:
    """``code`` as one of our languages (``no`` -> ``nb``, ``da-DK`` -> ``da``), or None."""
    if not code or not isinstance(code, str):
        return None
    code = code.strip().lower().replace("_", "-")
    code = ALIASES.get(code, code)
    if code in SUPPORTED:
        return code
    base = code.split("-", 1)[0]
    base = ALIASES.get(base, base)
    return base if base in SUPPORTED else None


def browser_language(accept_language: str) -> str | None:
    """The first of the browser's languages that we have, in its order of preference."""
    for code, _quality in parse_accept_lang_header(accept_language or ""):
        if code == "*":
            continue
        found = supported(code)
        if found:
            return found
    return None


# How to find the organisation of someone who belongs to none themselves (a patient): the app
# that knows about care teams registers it at start-up (care.apps), so accounts stays below care.
_organisation_finders: list = []
_UNKNOWN = object()


def register_organisation_finder(finder) -> None:
    """``finder(user)`` returns the organisation whose defaults apply to a user without one, or
    None. Finders are asked in the order they were registered."""
    if finder not in _organisation_finders:
        _organisation_finders.append(finder)


def organisation_of(user):
    """The organisation whose defaults apply to ``user``: their own, or for a patient the one of
    a clinician on their care team. None when there is none (an invited patient, say)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.organisation_id:
        return user.organisation
    # Asked by the language middleware and again by the page (emergency numbers): look once.
    # (getattr/setattr, not __dict__: request.user is a lazy proxy that forwards only these.)
    found = getattr(user, "_found_organisation", _UNKNOWN)
    if found is _UNKNOWN:
        found = None
        for finder in _organisation_finders:
            found = finder(user)
            if found is not None:
                break
        user._found_organisation = found
    return found


def organisation_language(organisation) -> str | None:
    if organisation is None:
        return None
    return supported(organisation.language) or COUNTRY_LANGUAGE.get(organisation.country or "")


def language_of(user) -> str:
    """The language to write to ``user`` in when they are not here to ask (e-mails, sockets)."""
    return (
        supported(getattr(user, "language", None))
        or organisation_language(organisation_of(user))
        or settings.LANGUAGE_CODE
    )


def language_for_request(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        chosen = supported(user.language)
        if chosen:
            return chosen
    return (
        supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or browser_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        or organisation_language(organisation_of(user))
        or settings.LANGUAGE_CODE
    )
