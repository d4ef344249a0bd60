"""Emergency and urgent-advice numbers per country: the one place the platform knows them.

Pages, receipts and the footer show the numbers of the person's organisation's country
(``accounts.Organisation.country``; for a patient, their care team's organisation), else of the
site's country (``DEFAULT_COUNTRY``, an ISO 3166-1 code). Organisations' own extra numbers (a
local crisis team, a night line) are ``toolbox.OrganisationEmergencyNumber`` rows, shown on the
crisis plan beside these. No page writes a number into its text: they all come from here.

Checked against the national services: Denmark 112 (every emergency) and 1813 (the Capital
Region's medical helpline); Norway 113 (medical emergency), 112 (police), 110 (fire) and
116 117 (out-of-hours doctor, legevakt); the United Kingdom 999 (every emergency) and NHS 111.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PhoneNumber:
    number: str
    label: Promise

    @property
    def dial(self) -> str:
        """For ``tel:`` links: the digits only."""
        return _digits(self.number)


@dataclass(frozen=True)
class CountryNumbers:
    country: str
    # The number to call when someone is in danger now (a medical emergency).
    emergency: PhoneNumber
    # Urgent advice when it is not an emergency (the out-of-hours doctor or helpline).
    advice: PhoneNumber
    # Every number worth listing, the emergency one first.
    all: tuple[PhoneNumber, ...]


def _country(code: str, emergency: PhoneNumber, advice: PhoneNumber, *others: PhoneNumber):
    return CountryNumbers(code, emergency, advice, (emergency, *others, advice))


COUNTRIES: dict[str, CountryNumbers] = {
    "DK": _country(
        "DK",
        PhoneNumber("112", _("Emergency: ambulance, fire, police")),
        PhoneNumber("1813", _("Medical helpline (Capital Region)")),
    ),
    "NO": _country(
        "NO",
        PhoneNumber("113", _("Medical emergency: ambulance")),
        PhoneNumber("116 117", _("Out-of-hours doctor (legevakt)")),
        PhoneNumber("112", _("Police")),
        PhoneNumber("110", _("Fire")),
    ),
    "GB": _country(
        "GB",
        PhoneNumber("999", _("Emergency: ambulance, fire, police")),
        PhoneNumber("111", _("NHS 111: urgent advice when it is not an emergency")),
    ),
}


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def not_country_numbers(numbers, country: str | None = None) -> list:
    """Those of ``numbers`` (anything with a ``number``) that the country's list does not hold,
    so a page listing both shows each number once."""
    known = {n.dial for n in emergency_numbers(country).all}
    return [n for n in numbers if _digits(n.number) not in known]


def emergency_numbers(country: str | None = None) -> CountryNumbers:
    """The numbers for this country, or for the site's ``DEFAULT_COUNTRY``. The settings check
    that the default is known, so this never guesses."""
    return COUNTRIES[(country or settings.DEFAULT_COUNTRY).upper()]
