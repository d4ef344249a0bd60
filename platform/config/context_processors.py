"""Context every page may use."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from accounts.languages import NAMES, organisation_of
from care.emergency import emergency_numbers


def emergency(request):
    """The emergency and urgent-advice numbers every page may show (care/emergency.py): those of
    the person's organisation's country, else the site's. Looked up only when a page shows them."""
    user = getattr(request, "user", None)

    def numbers():
        organisation = organisation_of(user)
        return emergency_numbers(organisation.country if organisation else None)

    return {"emergency": SimpleLazyObject(numbers)}


def languages(request):
    """The switcher's languages, each named in itself (accounts/languages.py)."""
    return {"language_names": tuple(NAMES.items())}
