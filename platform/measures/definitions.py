"""Questionnaire definitions, loaded from the data files in ``measures/instruments/``.

An instrument is data: items, answer options, the scoring rule, severity bands with their
published cut-offs, the reliable-change threshold and the safety rules, each with its source.
Adding an instrument means adding a YAML file; :func:`load_definition` checks it thoroughly at
start-up so a malformed file fails loudly instead of scoring wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

INSTRUMENT_DIR = Path(__file__).resolve().parent / "instruments"


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
