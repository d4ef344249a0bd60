"""Questionnaires in Danish and Norwegian: the versions as data, checked as strictly as the
English definitions; unverified versions never offered to patients; a response that records
the version it was answered in; and scores that do not depend on the language."""

import html
import random
from dataclasses import replace

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from alerts.models import Alert
from measures import definitions, selectors, services
from measures.definitions import (
    TRANSLATED_LANGUAGES,
    DefinitionError,
    get_instrument,
    instruments,
    parse_translation,
    translations,
    version_for,
)
from measures.models import Response, SafetyEvent
from measures.scoring import safety_triggers, score
from measures.tests.translation_support import FIXTURE_REVIEW, SHIPPED_DIR, shipped_translation

LANGUAGES = ("en", *TRANSLATED_LANGUAGES)
LANGUAGE_NAMES = {"da": "Danish", "nb": "Norwegian"}


# --- the versions as data ----------------------------------------------------------------------


def test_every_instrument_has_a_danish_and_a_norwegian_version_citing_its_source():
    loaded = translations()
    for code in instruments():
        for language in TRANSLATED_LANGUAGES:
            version = loaded[(code, language)]
            assert version.instrument.language == language
            assert version.source == version.instrument.translation_source
    for language in TRANSLATED_LANGUAGES:
        for code in ("phq9", "gad7", "phq15"):
            source = loaded[(code, language)].source
            assert "phqscreeners.com" in source and "Mapi Research Trust" in source
            assert "Pfizer" in source
        who5 = loaded[("who5", language)].source
        assert "Psychiatric Research Unit" in who5 and "North Zealand" in who5
    assert "original Danish version" in loaded[("who5", "da")].source


def test_every_unverified_version_says_so_in_its_file():
    for path in sorted(SHIPPED_DIR.glob("*.yaml")):
        data = shipped_translation(path.name)
        if data["status"] == definitions.UNVERIFIED:
            assert "UNVERIFIED" in path.read_text(encoding="utf-8"), path.name
            assert "review" not in data


def test_a_version_differs_from_the_english_only_in_its_texts():
    for (code, _language), version in translations().items():
        english, translated = get_instrument(code), version.instrument
        as_english = replace(
            translated,
            language=english.language,
            translation_source="",
            title=english.title,
            about=english.about,
            stem=english.stem,
            options=english.options,
            items=english.items,
            bands=english.bands,
        )
        assert as_english == english
        assert [o.value for o in translated.options] == [o.value for o in english.options]
        assert [(i.number, bool(i.not_applicable)) for i in translated.items] == [
            (i.number, bool(i.not_applicable)) for i in english.items
        ]
        assert [(b.code, b.min, b.max) for b in translated.bands] == [
            (b.code, b.min, b.max) for b in english.bands
        ]
        assert translated.safety == english.safety
        texts = [translated.title, translated.stem, *(i.text for i in translated.items)]
        assert all(text.strip() for text in texts)


def _phq9_da():
    return shipped_translation("phq9.da.yaml")


def _verified(data):
    return data | {"status": "verified", "review": dict(FIXTURE_REVIEW)}


def _drop(mapping, key):
    mapping.pop(key)


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param(lambda d: _drop(d["items"], 9), id="item 9 missing"),
        pytest.param(lambda d: d["items"].update({10: "an extra question"}), id="extra item"),
        pytest.param(lambda d: d["items"].update({9: ""}), id="empty item text"),
        pytest.param(lambda d: d["items"].update({9: None}), id="item text not a text"),
        pytest.param(
            lambda d: d.update(items={str(k): v for k, v in d["items"].items()}),
            id="item numbers as texts",
        ),
        pytest.param(lambda d: _drop(d["options"], 3), id="option value missing"),
        pytest.param(lambda d: d["options"].update({4: "Always"}), id="unknown option value"),
        pytest.param(lambda d: _drop(d["bands"], "severe"), id="band missing"),
        pytest.param(lambda d: d["bands"].update({"extreme": "Ekstrem"}), id="unknown band"),
        pytest.param(lambda d: _drop(d, "stem"), id="no stem"),
        pytest.param(lambda d: _drop(d, "source"), id="no source"),
        pytest.param(lambda d: d.update(source=" "), id="empty source"),
        pytest.param(lambda d: d.update(status="checked"), id="unknown status"),
        pytest.param(lambda d: _drop(d, "status"), id="no status"),
        pytest.param(lambda d: d.update(language="sv"), id="unknown language"),
        pytest.param(lambda d: d.update(instrument="gad7"), id="another instrument"),
        pytest.param(lambda d: d.update(instrument_version="2"), id="another version"),
        pytest.param(lambda d: d.update(stauts="verified"), id="misspelt key"),
        pytest.param(
            lambda d: d.update(review=dict(FIXTURE_REVIEW)), id="unverified with a review"
        ),
        pytest.param(lambda d: d.update(status="verified"), id="verified without a review"),
        pytest.param(
            lambda d: d.update(
                status="verified", review={k: v for k, v in FIXTURE_REVIEW.items() if k != "date"}
            ),
            id="verified without a date",
        ),
        pytest.param(
            lambda d: d.update(status="verified", review=FIXTURE_REVIEW | {"reviewer": ""}),
            id="verified by nobody",
        ),
        pytest.param(
            lambda d: d.update(status="verified", review=FIXTURE_REVIEW | {"date": "last week"}),
            id="verified on no date",
        ),
    ],
)
def test_a_malformed_translation_fails_loudly(breakage):
    data = _phq9_da()
    parse_translation(data, get_instrument("phq9"))  # the shipped one is well formed
    breakage(data)
    with pytest.raises(DefinitionError):
        parse_translation(data, get_instrument("phq9"))


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param(lambda d: d["items"].update({4: "Menstruationssmerter"}), id="no na label"),
        pytest.param(
            lambda d: d["items"].update({1: {"text": "Mavesmerter", "not_applicable": "Nej"}}),
            id="na label the English does not have",
        ),
        pytest.param(
            lambda d: d["items"].update({4: {"text": "x", "not_applicable": ""}}),
            id="empty na label",
        ),
        pytest.param(
            lambda d: d["items"].update({4: d["items"][4] | {"note": "x"}}), id="unknown item key"
        ),
    ],
)
def test_a_does_not_apply_label_is_needed_exactly_where_the_english_has_one(breakage):
    data = shipped_translation("phq15.da.yaml")
    assert parse_translation(data, get_instrument("phq15")).instrument.item(4).not_applicable
    breakage(data)
    with pytest.raises(DefinitionError):
        parse_translation(data, get_instrument("phq15"))


def test_a_verified_version_names_its_reviewer_and_date():
    version = parse_translation(_verified(_phq9_da()), get_instrument("phq9"))
    assert version.verified
    assert version.review.reviewer == FIXTURE_REVIEW["reviewer"]
    assert version.review.date == FIXTURE_REVIEW["date"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("phq9.nb.yaml", _phq9_da(), id="file name says another language"),
        pytest.param("phq2.da.yaml", _phq9_da(), id="no such instrument"),
        pytest.param("phq9.da.yaml", _phq9_da() | {"items": {}}, id="no items"),
        pytest.param("phq9.da.yaml", ["not", "a", "mapping"], id="not a mapping"),
    ],
)
def test_a_malformed_translation_file_stops_start_up(translations_dir, name, data):
    translations_dir(name, data)
    with pytest.raises(DefinitionError):
        apps.get_app_config("measures").ready()


def test_start_up_reads_every_shipped_version():
    definitions.translations.cache_clear()
    apps.get_app_config("measures").ready()
    assert len(translations()) == len(instruments()) * len(TRANSLATED_LANGUAGES)


# --- which version a reader is offered -------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_an_unverified_version_is_not_offered(language):
    for code in instruments():
        assert not translations()[(code, language)].verified  # as shipped
        version = version_for(code, language)
        assert version.instrument == get_instrument(code)
        assert (version.language, version.withheld) == ("en", definitions.UNVERIFIED)
        with translation.override("en"):
            assert version.note == (
                "This questionnaire is shown in English because the "
                f"{LANGUAGE_NAMES[language]} version has not yet been checked against the "
                "published translation."
            )


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_a_verified_version_is_offered_in_the_readers_language(verified_translations, language):
    for code in instruments():
        version = version_for(code, language)
        assert version.language == language and version.note == ""
        assert version.instrument == translations()[(code, language)].instrument
    phq9 = version_for("phq9", language).instrument
    assert phq9.item(9).text == shipped_translation(f"phq9.{language}.yaml")["items"][9]


def test_flipping_one_file_to_verified_is_all_it_takes(translations_dir):
    translations_dir("phq9.da.yaml", _phq9_da())
    assert version_for("phq9", "da").language == "en"
    translations_dir("phq9.da.yaml", _verified(_phq9_da()))
    assert version_for("phq9", "da").language == "da"
    # Only that one: the Norwegian PHQ-9 and the other Danish questionnaires are not there.
    assert version_for("phq9", "nb").withheld == definitions.MISSING
    assert version_for("gad7", "da").withheld == definitions.MISSING


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_a_missing_version_gives_english_and_says_there_is_none(translations_dir, language):
    version = version_for("who5", language)
    assert version.language == "en" and version.withheld == definitions.MISSING
    with translation.override("en"):
        assert version.note == (
            "This questionnaire is shown in English because there is no "
            f"{LANGUAGE_NAMES[language]} version of it yet."
        )


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "en"), (None, "en"), ("fr", "en"), ("da", "da"), ("nb", "nb"), ("no", "nb")],
)
def test_reader_languages(verified_translations, language, expected):
    version = version_for("gad7", language)
    assert version.requested == expected and version.language == expected
    assert version.note == ""


# --- scoring does not depend on the language -------------------------------------------------


def _answer_sets(instrument, count=300):
    values = sorted(instrument.option_values)
    rng = random.Random(f"{instrument.code}-languages")
    sets = [
        {item.number: values[0] for item in instrument.items},
        {item.number: values[-1] for item in instrument.items},
    ]
    for _n in range(count):
        answers = {}
        for item in instrument.items:
            choices = values + ([definitions.NOT_APPLICABLE] if item.not_applicable else [])
            if rng.random() > 0.1:  # now and then a gap: no total in any language
                answers[item.number] = rng.choice(choices)
        sets.append(answers)
    return sets


def _outcome(instrument, answers):
    result = score(instrument, answers)
    band = result.band.code if result.band else None
    return result.total, band, result.missing, tuple(safety_triggers(instrument, answers))


@pytest.mark.parametrize("code", ["phq9", "gad7", "phq15", "who5"])
def test_the_same_answers_give_the_same_total_band_and_safety_flags_in_every_language(
    verified_translations, code
):
    versions = {language: version_for(code, language) for language in LANGUAGES}
    assert {language: v.language for language, v in versions.items()} == dict(
        zip(LANGUAGES, LANGUAGES, strict=True)
    )
    for answers in _answer_sets(get_instrument(code)):
        outcomes = {_outcome(v.instrument, answers) for v in versions.values()}
        assert len(outcomes) == 1, answers


@pytest.mark.django_db
def test_a_response_in_each_language_is_scored_and_flagged_the_same(
    verified_translations, workspace, patient
):
    """The whole path, per language: start, save (item 9 answered 2 with a low total), finish."""
    answers = {**dict.fromkeys(range(1, 9), 1), 9: 2}
    seen = {}
    for language in LANGUAGES:
        response = services.response_start(
            workspace=workspace, instrument="phq9", by=patient, language=language
        )
        result = services.response_save_answers(
            response=response, answers=answers, by=patient, language=language
        )
        assert result.new_safety_event  # the safety flow, in every language
        services.response_complete(response=response, by=patient)
        response.refresh_from_db()
        event = SafetyEvent.objects.get(response=response)
        seen[language] = (
            response.language,
            response.total,
            response.band,
            (event.rule, event.item, event.value),
        )
    assert seen == {
        language: (language, 10, "moderate", ("phq9_item9", 9, 2)) for language in LANGUAGES
    }


# --- a response records the version it was answered in --------------------------------------


@pytest.mark.django_db
def test_a_response_records_the_version_shown_not_the_readers_language(workspace, patient):
    response = services.response_start(
        workspace=workspace, instrument="gad7", by=patient, language="da"
    )
    assert response.language == "en"  # the Danish GAD-7 is unverified: English was shown
    services.response_save_answers(response=response, answers={1: 1}, by=patient, language="nb")
    response.refresh_from_db()
    assert response.language == "en"


@pytest.mark.django_db
def test_a_response_records_the_language_of_its_latest_answers(
    verified_translations, workspace, patient
):
    response = services.response_start(
        workspace=workspace, instrument="gad7", by=patient, language="da"
    )
    assert response.language == "da"
    services.response_save_answers(response=response, answers={1: 1}, by=patient, language="nb")
    response.refresh_from_db()
    assert response.language == "nb"
    # Saving the same answers again gives no new answer: the language stays.
    services.response_save_answers(response=response, answers={1: 1}, by=patient, language="en")
    response.refresh_from_db()
    assert response.language == "nb"


@pytest.mark.django_db
def test_responses_from_before_default_to_english(workspace):
    response = Response.objects.create(
        workspace=workspace, instrument="phq9", instrument_version="1"
    )
    response.refresh_from_db()
    assert response.language == "en"


# --- what the patient sees ---------------------------------------------------------------------


@pytest.fixture
def reader(client, patient, workspace):
    """The patient signed in, reading the site in the language given."""
    client.force_login(patient, backend="accounts.backends.EmailBackend")

    def in_language(language):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return in_language


def _note(language):
    with translation.override(language):
        return html.escape(version_for("phq9", language).note)


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_an_unverified_version_shows_the_english_questionnaire_with_a_note(reader, language):
    client = reader(language)
    assert client.post(reverse("patient:measure_start"), {"instrument": "phq9"}).status_code == 302
    response = Response.objects.get()
    assert response.language == "en"
    url = reverse("patient:measure_response", args=[response.pk])
    body = client.get(url).content.decode()
    english = get_instrument("phq9")
    translated = shipped_translation(f"phq9.{language}.yaml")
    assert html.escape(english.item(9).text) in body
    assert html.escape(translated["items"][9]) not in body
    assert html.escape(translated["stem"]) not in body
    assert 'data-version-note="en"' in body and _note(language) in body
    assert '<h1 lang="en">' in body
    # The safety flow is the same for a reader of any language.
    page = client.post(url, {"item-9": "1", "action": "next-2"})
    assert page.url.startswith(reverse("patient:measures_support"))
    assert SafetyEvent.objects.filter(response=response, item=9, value=1).exists()
    response.refresh_from_db()
    assert response.language == "en"


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_a_verified_version_is_shown_in_the_readers_language(
    verified_translations, reader, language
):
    client = reader(language)
    client.post(reverse("patient:measure_start"), {"instrument": "phq9"})
    response = Response.objects.get()
    assert response.language == language
    url = reverse("patient:measure_response", args=[response.pk])
    body = client.get(url).content.decode()
    translated = version_for("phq9", language).instrument
    assert html.escape(translated.item(9).text) in body
    assert html.escape(translated.stem) in body
    assert html.escape(translated.options[2].label) in body
    assert html.escape(get_instrument("phq9").item(9).text) not in body
    assert "data-version-note" not in body
    assert f'<h1 lang="{language}">' in body
    answers = {f"item-{n}": "1" for n in range(1, 10)} | {"item-9": "0", "action": "finish"}
    assert client.post(url, answers).status_code == 302
    response.refresh_from_db()
    assert (response.language, response.total, response.band) == (language, 8, "mild")
    result = client.get(url).content.decode()
    assert html.escape(translated.band_for(8).label) in result


@pytest.mark.django_db
def test_an_english_reader_sees_no_note(reader):
    client = reader("en")
    client.post(reverse("patient:measure_start"), {"instrument": "who5"})
    response = Response.objects.get()
    body = client.get(reverse("patient:measure_response", args=[response.pk])).content.decode()
    assert "data-version-note" not in body and response.language == "en"


@pytest.mark.django_db
def test_the_questionnaire_list_offers_each_reader_their_version(verified_translations, reader):
    body = reader("nb").get(reverse("patient:measures")).content.decode()
    assert html.escape(version_for("who5", "nb").instrument.about) in body
    assert html.escape(get_instrument("who5").about) not in body


# --- what the care team and the patient's download say ---------------------------------------


def _answered_in(workspace, patient, language):
    response = services.response_start(
        workspace=workspace, instrument="phq9", by=patient, language=language
    )
    services.response_save_answers(
        response=response,
        answers={**dict.fromkeys(range(1, 9), 1), 9: 1},
        by=patient,
        language=language,
    )
    services.response_complete(response=response, by=patient)
    response.refresh_from_db()
    return response


@pytest.mark.django_db
def test_the_clinician_sees_which_language_each_score_was_answered_in(
    verified_translations, client, workspace, patient, gp, gp_membership
):
    _answered_in(workspace, patient, "en")
    _answered_in(workspace, patient, "da")
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    body = client.get(reverse("clinician:measures", args=[workspace.pk])).content.decode()
    assert "Answered in" in body
    assert '<td data-language="en">English</td>' in body
    assert '<td data-language="da">Danish</td>' in body
    details = selectors.safety_details(
        workspace=workspace, source_ids=[str(e.pk) for e in SafetyEvent.objects.all()]
    )
    assert sorted(d.language for d in details) == ["da", "en"]
    # The risk alert says which wording of item 9 the patient answered.
    alert = Alert.objects.get(workspace=workspace, kind="risk")
    page = client.get(reverse("clinician:alert_detail", args=[alert.pk])).content.decode()
    assert 'data-language="da">(answered in Danish)' in page
    assert 'data-language="en">(answered in English)' in page


@pytest.mark.django_db
def test_the_patients_download_says_which_language_each_response_was_answered_in(
    verified_translations, client, workspace, patient
):
    response = _answered_in(workspace, patient, "nb")
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    body = client.get(reverse("patient:my_data"), {"format": "json"}).json()
    rows = {row["id"]: row for row in body["data"]["measures.Response"]}
    assert rows[str(response.pk)]["language"] == "nb"
    (questionnaire_response,) = [
        entry["resource"]
        for entry in body["fhir"]["entry"]
        if entry["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    assert questionnaire_response["language"] == "nb"
    item_9 = next(i for i in questionnaire_response["item"] if i["linkId"] == "9")
    assert item_9["text"] == version_for("phq9", "nb").instrument.item(9).text
    assert item_9["answer"][0]["valueCoding"]["code"] == "1"  # the same code in any language
    words = client.get(reverse("patient:my_data")).content.decode()
    assert "answered in Norwegian" in words
