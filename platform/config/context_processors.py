"""Navigation assembled from each app's ``navigation.py``.

An app adds links for a face by declaring ``PATIENT_NAV`` or ``CLINICIAN_NAV``: a list of
``(order, url name, label)``. Lower order comes first.
"""

from __future__ import annotations

from functools import cache

from django.urls import reverse

from care.emergency import emergency_numbers
from config.discovery import app_modules


@cache
def _links(attribute: str) -> tuple:
    entries = []
    for _app, module in app_modules("navigation"):
        entries.extend(getattr(module, attribute, []))
    return tuple(sorted(entries, key=lambda entry: entry[0]))


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    attribute = {"patient": "PATIENT_NAV", "gp": "CLINICIAN_NAV", "therapist": "CLINICIAN_NAV"}
    attribute = attribute.get(user.role) or ("DUTY_NAV" if user.is_duty else None)
    if attribute is None:
        return {"nav_links": []}
    return {"nav_links": [(reverse(name), label) for _order, name, label in _links(attribute)]}


def emergency(request):
    """The emergency and urgent-advice numbers every page may show (care/emergency.py)."""
    return {"emergency": emergency_numbers()}
