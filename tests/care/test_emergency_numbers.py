"""One source of emergency numbers (care/emergency.py), chosen by DEFAULT_COUNTRY, shown on the
risk support page, the receipts, the safety note, the crisis plan and every page's footer."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from care.emergency import emergency_numbers, not_country_numbers
from config.context_processors import emergency
from toolbox.models import OrganisationEmergencyNumber

BACKEND = "accounts.backends.EmailBackend"


def _numbers(country):
    return [(n.number, str(n.label)) for n in emergency_numbers(country).all]


def test_denmark_calls_112_and_copenhagens_helpline_is_1813():
    dk = emergency_numbers("DK")
    assert dk.emergency.number == "112" and dk.advice.number == "1813"
    assert "Capital Region" in str(dk.advice.label)


def test_norways_medical_emergency_is_113_not_112():
    no = emergency_numbers("no")
    assert no.emergency.number == "113" and "Medical emergency" in str(no.emergency.label)
    numbers = dict(_numbers("NO"))
    assert numbers["112"] == "Police" and numbers["110"] == "Fire"
    assert no.advice.number == "116 117" and no.advice.dial == "116117"


def test_the_uk_calls_999_and_111_for_advice():
    gb = emergency_numbers("GB")
    assert (gb.emergency.number, gb.advice.number) == ("999", "111")


def test_the_default_country_decides(settings):
    settings.DEFAULT_COUNTRY = "NO"
    assert emergency_numbers().emergency.number == "113"


def test_an_organisations_own_number_is_listed_once():
    class Row:
        def __init__(self, number):
            self.number = number

    rows = [Row("112"), Row("1813"), Row("+45 33 33 33 33")]
    assert [r.number for r in not_country_numbers(rows, "DK")] == ["+45 33 33 33 33"]


@pytest.fixture
def as_patient(client, patient):
    client.force_login(patient, backend=BACKEND)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "call", "not_shown"),
    [("DK", "112", "999"), ("NO", "113", "999"), ("GB", "999", "113")],
)
def test_the_risk_support_page_shows_the_countrys_numbers(
    settings, as_patient, country, call, not_shown
):
    settings.DEFAULT_COUNTRY = country
    body = as_patient.get(reverse("patient:measures_support")).content.decode()
    numbers = emergency_numbers(country)
    assert f"Call your local emergency number: {call} (" in body
    assert f"call {numbers.advice.number} (" in body  # the out-of-hours line
    assert f"call {call} or go to the nearest emergency department" in body  # no care team
    # Exact markers: a bare number could occur inside a random UUID on the page.
    assert f'href="tel:{not_shown}"' not in body and f"call {not_shown}" not in body
    assert "112 in Denmark" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("country", ["DK", "NO", "GB"])
def test_every_page_footer_lists_the_countrys_numbers(settings, client, country):
    settings.DEFAULT_COUNTRY = country
    body = client.get(reverse("accounts:login")).content.decode()
    footer = body[body.index("<footer") : body.index("</footer>")]
    for number in emergency_numbers(country).all:
        assert f'href="tel:{number.dial}">{number.number}</a>' in footer


@pytest.mark.django_db
def test_the_crisis_plan_lists_the_countrys_numbers_then_the_organisations_own(
    settings, as_patient, gp, gp_membership
):
    settings.DEFAULT_COUNTRY = "NO"
    OrganisationEmergencyNumber.objects.create(
        organisation=gp.organisation, label="Night crisis team", number="22 22 22 22", position=1
    )
    OrganisationEmergencyNumber.objects.create(
        organisation=gp.organisation, label="Ambulance", number="113", position=2
    )
    body = as_patient.get(reverse("patient:crisis_plan")).content.decode()
    part = body[body.index('id="part-emergency"') :]
    part = part[: part.index("</section>")]
    assert 'Medical emergency: ambulance</strong>: <a href="tel:113">113</a>' in part
    assert "Night crisis team" in part
    assert part.count(">113</a>") == 1  # the organisation's copy of 113 is not repeated


def test_the_programme_safety_note_uses_the_countrys_numbers(settings):
    settings.DEFAULT_COUNTRY = "GB"
    html = render_to_string("patient_app/programme/_safety_note.html", emergency(None))
    assert "call 999" in html and "(111)" in html and "call 112" not in html
