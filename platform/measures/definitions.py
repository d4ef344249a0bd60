"""Questionnaire definitions, loaded from the data files in ``measures/instruments/``.

An instrument is data: items, answer options, the scoring rule, severity bands with their
published cut-offs, the reliable-change threshold and the safety rules, each with its source.
Adding an instrument means adding a YAML file; :func:`load_definition` checks it thoroughly at
start-up so a malformed file fails loudly instead of scoring wrongly.

Each instrument may have versions in other languages (``instruments/translations/``): the texts
only (title, stem, option labels, item texts, band labels), checked against the English
definition, with the source of the translation and its review status. Numbers, bands and safety
rules always come from the English definition, so a score never depends on the language.
:func:`version_for` is the one place that decides which version a reader is shown.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import gettext_lazy

INSTRUMENT_DIR = Path(__file__).resolve().parent / "instruments"
TRANSLATION_DIR = INSTRUMENT_DIR / "translations"

SOURCE_LANGUAGE = "en"  # the language of the definitions themselves
TRANSLATED_LANGUAGES = ("da", "nb")  # the product's other languages


class DefinitionError(ValueError):
    """A definition file is malformed."""


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    not_applicable: str = ""  # label of a "does not apply" answer, if the item allows one


@dataclass(frozen=True)
class Band:
    code: str
    min: int
    max: int
    label: str


@dataclass(frozen=True)
class SafetyRule:
    item: int
    min_value: int
    rule: str


@dataclass(frozen=True)
class Instrument:
    code: str
    version: str
    name: str
    title: str
    about: str
    source: str
    licence: str
    stem: str
    options: tuple[Option, ...]
    items: tuple[Item, ...]
    multiplier: int
    min_score: int
    max_score: int
    higher_is_better: bool
    prorate_max_missing: int
    missing_source: str
    bands: tuple[Band, ...]
    reliable_change: int
    reliable_change_source: str
    reliable_change_provisional: bool
    safety: tuple[SafetyRule, ...]
    loinc: str = ""  # LOINC code of the total score, where we are sure of one
    language: str = SOURCE_LANGUAGE  # the language of the texts
    translation_source: str = ""  # the published translation the texts come from, if any

    @property
    def item_numbers(self) -> tuple[int, ...]:
        return tuple(item.number for item in self.items)

    @property
    def option_values(self) -> frozenset[int]:
        return frozenset(option.value for option in self.options)

    def item(self, number: int) -> Item | None:
        for item in self.items:
            if item.number == number:
                return item
        return None

    def band_for(self, total: int) -> Band:
        for band in self.bands:
            if band.min <= total <= band.max:
                return band
        raise ValueError(f"{total} is outside the {self.code} score range")


NOT_APPLICABLE = "na"  # the stored answer for "does not apply to me"


def _require(data: dict, key: str, kind: type, where: str):
    if key not in data:
        raise DefinitionError(f"{where}: '{key}' is missing")
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise DefinitionError(f"{where}: '{key}' must be {kind.__name__}")
    return value


def parse_definition(data: dict, where: str = "definition") -> Instrument:
    """Build and check an :class:`Instrument` from a parsed YAML mapping."""
    if not isinstance(data, dict):
        raise DefinitionError(f"{where}: not a mapping")
    options = tuple(
        Option(value=_require(o, "value", int, where), label=_require(o, "label", str, where))
        for o in _require(data, "options", list, where)
    )
    items = tuple(
        Item(
            number=_require(i, "number", int, where),
            text=_require(i, "text", str, where),
            not_applicable=i.get("not_applicable", ""),
        )
        for i in _require(data, "items", list, where)
    )
    scoring = _require(data, "scoring", dict, where)
    missing = _require(scoring, "missing", dict, where)
    change = _require(data, "reliable_change", dict, where)
    bands = tuple(
        Band(
            code=_require(b, "code", str, where),
            min=_require(b, "min", int, where),
            max=_require(b, "max", int, where),
            label=_require(b, "label", str, where),
        )
        for b in _require(data, "bands", list, where)
    )
    safety = tuple(
        SafetyRule(
            item=_require(s, "item", int, where),
            min_value=_require(s, "min_value", int, where),
            rule=_require(s, "rule", str, where),
        )
        for s in data.get("safety", [])
    )
    if _require(scoring, "method", str, where) != "sum":
        raise DefinitionError(f"{where}: only 'sum' scoring is supported")
    higher_is = _require(scoring, "higher_is", str, where)
    if higher_is not in ("better", "worse"):
        raise DefinitionError(f"{where}: higher_is must be 'better' or 'worse'")
    instrument = Instrument(
        code=_require(data, "code", str, where),
        version=str(_require(data, "version", str, where)),
        name=_require(data, "name", str, where),
        title=_require(data, "title", str, where),
        about=_require(data, "about", str, where),
        source=_require(data, "source", str, where),
        licence=_require(data, "licence", str, where),
        stem=_require(data, "stem", str, where),
        options=options,
        items=items,
        multiplier=_require(scoring, "multiplier", int, where),
        min_score=_require(scoring, "min", int, where),
        max_score=_require(scoring, "max", int, where),
        higher_is_better=higher_is == "better",
        prorate_max_missing=_require(missing, "prorate_max_missing", int, where),
        missing_source=_require(missing, "source", str, where),
        bands=bands,
        reliable_change=_require(change, "threshold", int, where),
        reliable_change_source=_require(change, "source", str, where),
        reliable_change_provisional=bool(change.get("provisional", False)),
        safety=safety,
        loinc=str(data.get("loinc", "")),
    )
    _check(instrument, where)
    return instrument


def _check(instrument: Instrument, where: str) -> None:
    numbers = instrument.item_numbers
    if not numbers or len(set(numbers)) != len(numbers):
        raise DefinitionError(f"{where}: item numbers must be present and unique")
    values = [o.value for o in instrument.options]
    if len(set(values)) != len(values) or min(values) < 0:
        raise DefinitionError(f"{where}: option values must be unique and not negative")
    always_scored = len([i for i in instrument.items if not i.not_applicable])
    lowest = instrument.multiplier * min(values) * always_scored
    highest = instrument.multiplier * max(values) * len(numbers)
    if (instrument.min_score, instrument.max_score) != (lowest, highest):
        raise DefinitionError(f"{where}: min/max do not match the items and options")
    # The bands must cover the whole range, in order, without gaps or overlaps.
    expected = instrument.min_score
    for band in instrument.bands:
        if band.min != expected or band.max < band.min:
            raise DefinitionError(f"{where}: bands must cover the range without gaps")
        expected = band.max + 1
    if expected != instrument.max_score + 1:
        raise DefinitionError(f"{where}: bands must end at the maximum score")
    if not 0 <= instrument.prorate_max_missing < len(numbers):
        raise DefinitionError(f"{where}: prorate_max_missing out of range")
    for rule in instrument.safety:
        if rule.item not in numbers or rule.min_value not in instrument.option_values:
            raise DefinitionError(f"{where}: safety rule names an unknown item or value")
    if instrument.reliable_change <= 0:
        raise DefinitionError(f"{where}: reliable_change must be positive")


def load_definition(path: Path) -> Instrument:
    with path.open(encoding="utf-8") as handle:
        return parse_definition(yaml.safe_load(handle), where=path.name)


@cache
def instruments() -> dict[str, Instrument]:
    """Every built-in instrument by code, in file-name order."""
    found: dict[str, Instrument] = {}
    for path in sorted(INSTRUMENT_DIR.glob("*.yaml")):
        instrument = load_definition(path)
        if instrument.code in found:
            raise DefinitionError(f"{path.name}: code '{instrument.code}' is used twice")
        found[instrument.code] = instrument
    return found


def get_instrument(code: str) -> Instrument:
    try:
        return instruments()[code]
    except KeyError:
        raise LookupError(f"unknown instrument {code!r}") from None


def instrument_choices() -> list[tuple[str, str]]:
    return [(code, instrument.name) for code, instrument in instruments().items()]


# --- versions in other languages --------------------------------------------------------------

VERIFIED = "verified"  # checked word for word against the published translation
UNVERIFIED = "unverified"  # not (yet) checked: never offered to patients
MISSING = "missing"  # no version in that language at all

_TRANSLATION_KEYS = frozenset(
    {
        "instrument",
        "instrument_version",
        "language",
        "status",
        "review",
        "source",
        "title",
        "about",
        "stem",
        "options",
        "items",
        "bands",
    }
)
_REVIEW_KEYS = frozenset({"reviewer", "date", "against"})


@dataclass(frozen=True)
class Review:
    """Who checked a translation word for word against the published text, when, and which
    published document they checked it against."""

    reviewer: str
    date: datetime.date
    against: str


@dataclass(frozen=True)
class Translation:
    """One instrument in one language, as read from its file. ``instrument`` is the English
    definition with this version's texts: every number in it is the English one."""

    code: str
    language: str
    status: str
    source: str
    review: Review | None
    instrument: Instrument

    @property
    def verified(self) -> bool:
        return self.status == VERIFIED


def _text(value, where: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(f"{where}: {what} must be a text that is not empty")
    return value.strip()


def _keyed(data: dict, key: str, kind: type, where: str) -> dict:
    """A mapping whose keys must all be of ``kind`` (item numbers, option values, band codes)."""
    mapping = _require(data, key, dict, where)
    for found in mapping:
        if not isinstance(found, kind) or (kind is int and isinstance(found, bool)):
            raise DefinitionError(f"{where}: the keys of '{key}' must be {kind.__name__}")
    return mapping


def _same_keys(found, expected, where: str, what: str) -> None:
    missing, extra = set(expected) - set(found), set(found) - set(expected)
    if missing or extra:
        raise DefinitionError(
            f"{where}: {what} must be those of the English definition"
            f" (missing: {sorted(missing, key=str)}, unknown: {sorted(extra, key=str)})"
        )


def _review(data: dict, status: str, where: str) -> Review | None:
    raw = data.get("review")
    if status == UNVERIFIED:
        if raw is not None:
            raise DefinitionError(
                f"{where}: an unverified translation has no review; "
                "set status to 'verified' when the review is done"
            )
        return None
    if not isinstance(raw, dict):
        raise DefinitionError(f"{where}: a verified translation needs a review (who, when)")
    if set(raw) != _REVIEW_KEYS:
        raise DefinitionError(f"{where}: a review has exactly {sorted(_REVIEW_KEYS)}")
    reviewed_on = raw["date"]
    if not isinstance(reviewed_on, datetime.date) or isinstance(reviewed_on, datetime.datetime):
        raise DefinitionError(f"{where}: the review date must be a date (YYYY-MM-DD)")
    return Review(
        reviewer=_text(raw["reviewer"], where, "the reviewer"),
        date=reviewed_on,
        against=_text(raw["against"], where, "the published text checked against"),
    )


def parse_translation(data: dict, base: Instrument, where: str = "translation") -> Translation:
    """Build and check a :class:`Translation` of ``base`` (the English definition) from a
    parsed YAML mapping. It must translate exactly the English item numbers, option values and
    band codes, every one, for the same definition version; anything else fails loudly."""
    if not isinstance(data, dict):
        raise DefinitionError(f"{where}: not a mapping")
    unknown = set(data) - _TRANSLATION_KEYS
    if unknown:
        raise DefinitionError(f"{where}: unknown keys {sorted(unknown, key=str)}")
    if _require(data, "instrument", str, where) != base.code:
        raise DefinitionError(f"{where}: 'instrument' must be '{base.code}'")
    if str(_require(data, "instrument_version", str, where)) != base.version:
        raise DefinitionError(
            f"{where}: translates version {data['instrument_version']!r} of {base.name}, but the "
            f"definition is version {base.version!r}: the translation must be reviewed again"
        )
    language = _require(data, "language", str, where)
    if language not in TRANSLATED_LANGUAGES:
        raise DefinitionError(f"{where}: language must be one of {list(TRANSLATED_LANGUAGES)}")
    status = _require(data, "status", str, where)
    if status not in (VERIFIED, UNVERIFIED):
        raise DefinitionError(f"{where}: status must be '{VERIFIED}' or '{UNVERIFIED}'")
    review = _review(data, status, where)
    source = _text(data.get("source"), where, "source")

    options = _keyed(data, "options", int, where)
    _same_keys(options, base.option_values, where, "option values")
    items = _keyed(data, "items", int, where)
    _same_keys(items, base.item_numbers, where, "item numbers")
    bands = _keyed(data, "bands", str, where)
    _same_keys(bands, [band.code for band in base.bands], where, "band codes")

    translated_items = []
    for item in base.items:
        raw = items[item.number]
        if isinstance(raw, dict):
            if set(raw) - {"text", "not_applicable"}:
                raise DefinitionError(f"{where}: item {item.number} has unknown keys")
            text, not_applicable = raw.get("text"), raw.get("not_applicable")
        else:
            text, not_applicable = raw, None
        text = _text(text, where, f"item {item.number}")
        if bool(item.not_applicable) != (not_applicable is not None):
            raise DefinitionError(
                f"{where}: item {item.number} must have a 'not_applicable' label exactly when "
                "the English one does"
            )
        if not_applicable is not None:
            not_applicable = _text(not_applicable, where, f"item {item.number} not_applicable")
        translated_items.append(replace(item, text=text, not_applicable=not_applicable or ""))

    instrument = replace(
        base,
        language=language,
        title=_text(data.get("title"), where, "title"),
        about=_text(data.get("about"), where, "about"),
        stem=_text(data.get("stem"), where, "stem"),
        options=tuple(
            replace(o, label=_text(options[o.value], where, f"option {o.value}"))
            for o in base.options
        ),
        items=tuple(translated_items),
        bands=tuple(
            replace(b, label=_text(bands[b.code], where, f"band {b.code}")) for b in base.bands
        ),
        translation_source=source,
    )
    return Translation(base.code, language, status, source, review, instrument)


def load_translation(path: Path) -> Translation:
    """Read ``<code>.<language>.yaml``; the name must match what the file says it holds."""
    code, _dot, language = path.name.removesuffix(".yaml").partition(".")
    if code not in instruments():
        raise DefinitionError(f"{path.name}: there is no instrument '{code}'")
    with path.open(encoding="utf-8") as handle:
        translation = parse_translation(
            yaml.safe_load(handle), instruments()[code], where=path.name
        )
    if translation.language != language:
        raise DefinitionError(f"{path.name}: the file name says '{language}'")
    return translation


@cache
def translations() -> dict[tuple[str, str], Translation]:
    """Every version in another language, by (instrument code, language), checked."""
    return {
        (t.code, t.language): t
        for t in (load_translation(path) for path in sorted(TRANSLATION_DIR.glob("*.yaml")))
    }


# What a Danish or Norwegian reader is told when their version is not offered. Whole sentences,
# so that each can be translated naturally.
_FALLBACK_NOTES = {
    ("da", UNVERIFIED): gettext_lazy(
        "This questionnaire is shown in English because the Danish version has not yet been "
        "checked against the published translation."
    ),
    ("nb", UNVERIFIED): gettext_lazy(
        "This questionnaire is shown in English because the Norwegian version has not yet been "
        "checked against the published translation."
    ),
    ("da", MISSING): gettext_lazy(
        "This questionnaire is shown in English because there is no Danish version of it yet."
    ),
    ("nb", MISSING): gettext_lazy(
        "This questionnaire is shown in English because there is no Norwegian version of it yet."
    ),
}


@dataclass(frozen=True)
class Version:
    """The version of an instrument shown to a reader. ``withheld`` says why the reader's own
    language is not the one shown (``unverified`` or ``missing``), and is empty when it is."""

    instrument: Instrument
    requested: str
    withheld: str = ""

    @property
    def language(self) -> str:
        return self.instrument.language

    @property
    def note(self) -> str:
        """The note for the reader, in their language (gettext), or '' when none is needed."""
        return str(_FALLBACK_NOTES.get((self.requested, self.withheld), ""))


def reader_language(language: str | None) -> str:
    """``get_language()`` as one of the product's languages ('en', 'da' or 'nb')."""
    primary = (language or "").replace("_", "-").split("-")[0].lower()
    primary = {"no": "nb"}.get(primary, primary)
    return primary if primary in TRANSLATED_LANGUAGES else SOURCE_LANGUAGE


def version_for(code: str, language: str | None) -> Version:
    """The version of instrument ``code`` to show a reader of ``language``: the one place that
    decides. A translation is offered only when its file says ``status: verified`` (with who
    checked it and when); otherwise the reader gets the English instrument and a note saying
    why. Raises LookupError for an unknown instrument."""
    english = get_instrument(code)
    wanted = reader_language(language)
    if wanted == SOURCE_LANGUAGE:
        return Version(english, wanted)
    translation = translations().get((code, wanted))
    if translation is None:
        return Version(english, wanted, withheld=MISSING)
    if not translation.verified:
        return Version(english, wanted, withheld=UNVERIFIED)
    return Version(translation.instrument, wanted)


def band_label(code: str, total: int, language: str | None) -> str:
    """The severity band's name for ``total``, in the reader's language wherever a translation
    names it, verified or not: the bands' names are the platform's words for a score (the same
    cut-offs in every language), not the published questionnaire's text that a patient answers,
    which :func:`version_for` guards."""
    english = get_instrument(code)
    band = english.band_for(total)
    translation = translations().get((code, reader_language(language)))
    if translation is None:
        return band.label
    for translated in translation.instrument.bands:
        if translated.code == band.code:
            return translated.label
    return band.label


def offered_instruments(language: str | None) -> dict[str, Instrument]:
    """Every instrument by code, each in the version :func:`version_for` offers this reader."""
    return {code: version_for(code, language).instrument for code in instruments()}


def recorded_version(code: str, language: str) -> Instrument:
    """The texts a response in ``language`` was answered with, for the record (the patient's
    export). Never use it to offer a questionnaire: that is :func:`version_for`'s job."""
    translation = translations().get((code, language))
    return translation.instrument if translation is not None else get_instrument(code)
