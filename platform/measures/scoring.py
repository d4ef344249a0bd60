"""Scoring exactly as published: a sum of item values times the instrument's multiplier.

Missing answers are never scored as 0. A questionnaire with unanswered items has no total,
unless its definition allows prorating for up to ``prorate_max_missing`` items; a prorated
total is marked as such. "Does not apply to me" (for items that allow it) is an answer that
adds nothing, not a missing one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from measures.definitions import NOT_APPLICABLE, Band, Instrument


class AnswerError(ValueError):
    """An answer names an item that does not exist or a value that is not an option."""


@dataclass(frozen=True)
class Score:
    total: int | None  # None: not enough answers for a total
    band: Band | None
    answered: int
    missing: tuple[int, ...]
    prorated: bool = False

    @property
    def complete(self) -> bool:
        return not self.missing


def clean_answers(instrument: Instrument, answers: Mapping) -> dict[int, int | str]:
    """Check raw answers (item number -> value, keys may be strings from JSON or a form) and
    return them with integer keys. Raises AnswerError; changes nothing."""
    cleaned: dict[int, int | str] = {}
    for raw_item, raw_value in answers.items():
        try:
            number = int(raw_item)
        except (TypeError, ValueError):
            raise AnswerError(f"'{raw_item}' is not an item of {instrument.name}") from None
        item = instrument.item(number)
        if item is None:
            raise AnswerError(f"{instrument.name} has no item {number}")
        if raw_value == NOT_APPLICABLE:
            if not item.not_applicable:
                raise AnswerError(f"Item {number} cannot be marked as not applicable")
            cleaned[number] = NOT_APPLICABLE
            continue
        if isinstance(raw_value, bool):
            raise AnswerError(f"'{raw_value}' is not an answer option for item {number}")
        try:
            value = int(raw_value)
        except (TypeError, ValueError):
            raise AnswerError(f"'{raw_value}' is not an answer option for item {number}") from None
        if str(value) != str(raw_value).strip() or value not in instrument.option_values:
            raise AnswerError(f"'{raw_value}' is not an answer option for item {number}")
        cleaned[number] = value
    return cleaned


def score(instrument: Instrument, answers: Mapping[int, int | str]) -> Score:
    """Score cleaned answers (see :func:`clean_answers`)."""
    missing = tuple(n for n in instrument.item_numbers if n not in answers)
    values = [v for v in answers.values() if v != NOT_APPLICABLE]
    answered = len(answers)
    if not missing:
        total = sum(values) * instrument.multiplier
        return Score(total, instrument.band_for(total), answered, missing)
    if answered and len(missing) <= instrument.prorate_max_missing:
        # Prorate: the mean of the answered items stands in for the missing ones.
        scored_items = len(values) + len(missing)
        raw = Decimal(sum(values)) * scored_items / max(len(values), 1)
        total = int(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP)) * instrument.multiplier
        return Score(total, instrument.band_for(total), answered, missing, prorated=True)
    return Score(None, None, answered, missing)


def safety_triggers(instrument: Instrument, answers: Mapping[int, int | str]) -> list[int]:
    """Item numbers whose answer trips a safety rule (PHQ-9 item 9 above 0), whatever the
    total and whether or not the questionnaire is complete."""
    tripped = []
    for rule in instrument.safety:
        value = answers.get(rule.item)
        if isinstance(value, int) and value >= rule.min_value:
            tripped.append(rule.item)
    return tripped


def reliable_change(instrument: Instrument, baseline: int | None, latest: int | None) -> str:
    """'improved', 'worse', 'no_reliable_change' or '' when either score is missing.

    Direction depends on the instrument: lower is better on the PHQ and GAD scales, higher is
    better on the WHO-5."""
    if baseline is None or latest is None:
        return ""
    change = latest - baseline
    if abs(change) < instrument.reliable_change:
        return "no_reliable_change"
    better = change > 0 if instrument.higher_is_better else change < 0
    return "improved" if better else "worse"
