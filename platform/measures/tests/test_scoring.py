"""Scoring against the published rules, independent of the definition files.

The reference functions below restate each instrument's published scoring in the plainest way;
the platform's scoring engine reads the YAML definitions. Every possible PHQ-9 (4^9) and GAD-7
(4^7) answer set is checked; WHO-5 (6^5) is small enough to check exhaustively too. PHQ-15
(3^15, and the "does not apply" variant of item 4) and WHO-5 are also checked with Hypothesis
property tests: complete answer sets against the reference, and any answer set with a gap has no
total at all.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from measures.definitions import NOT_APPLICABLE, get_instrument
from measures.scoring import AnswerError, clean_answers, reliable_change, safety_triggers, score


def phq9_reference(values):
    total = sum(values)
    if total <= 4:
        band = "minimal"
    elif total <= 9:
        band = "mild"
    elif total <= 14:
        band = "moderate"
    elif total <= 19:
        band = "moderately_severe"
    else:
        band = "severe"
    return total, band


def gad7_reference(values):
    total = sum(values)
    band = (
        "minimal" if total < 5 else "mild" if total < 10 else "moderate" if total < 15 else "severe"
    )
    return total, band


def phq15_reference(values):
    total = sum(v for v in values if v != NOT_APPLICABLE)
    band = "minimal" if total < 5 else "low" if total < 10 else "medium" if total < 15 else "high"
    return total, band


def who5_reference(values):
    total = sum(values) * 4
    band = (
        "likely_depression"
        if total <= 28
        else "poor_wellbeing"
        if total <= 50
        else "good_wellbeing"
    )
    return total, band


def _check_every_answer_set(code, options, reference):
    instrument = get_instrument(code)
    numbers = instrument.item_numbers
    checked = 0
    for values in itertools.product(options, repeat=len(numbers)):
        result = score(instrument, dict(zip(numbers, values, strict=True)))
        expected_total, expected_band = reference(values)
        assert result.total == expected_total, values
        assert result.band.code == expected_band, values
        assert not result.prorated
        checked += 1
    return checked


def test_every_phq9_answer_set_scores_as_published():
    assert _check_every_answer_set("phq9", range(4), phq9_reference) == 4**9


def test_every_gad7_answer_set_scores_as_published():
    assert _check_every_answer_set("gad7", range(4), gad7_reference) == 4**7


def test_every_who5_answer_set_scores_as_published():
    assert _check_every_answer_set("who5", range(6), who5_reference) == 6**5


PROPERTY_SETTINGS = settings(max_examples=500, deadline=None, derandomize=True)

# PHQ-15: fifteen items scored 0-2; item 4 (periods) may be "does not apply to me".
phq15_answer_sets = st.tuples(
    *[st.sampled_from((0, 1, 2)) for _ in range(3)],
    st.sampled_from((0, 1, 2, NOT_APPLICABLE)),
    *[st.sampled_from((0, 1, 2)) for _ in range(11)],
)
who5_answer_sets = st.tuples(*[st.integers(min_value=0, max_value=5) for _ in range(5)])


@PROPERTY_SETTINGS
@given(values=phq15_answer_sets)
@example(values=tuple([0] * 15))
@example(values=tuple([2] * 15))
@example(values=(0, 0, 0, NOT_APPLICABLE, *[2] * 11))
def test_phq15_scores_as_published(values):
    instrument = get_instrument("phq15")
    result = score(instrument, dict(zip(instrument.item_numbers, values, strict=True)))
    assert (result.total, result.band.code) == phq15_reference(values)
    assert not result.prorated and result.missing == ()


@PROPERTY_SETTINGS
@given(values=who5_answer_sets)
@example(values=(0, 0, 0, 0, 0))
@example(values=(5, 5, 5, 5, 5))
def test_who5_scores_as_published(values):
    instrument = get_instrument("who5")
    result = score(instrument, dict(zip(instrument.item_numbers, values, strict=True)))
    assert (result.total, result.band.code) == who5_reference(values)
    assert 0 <= result.total <= 100 and result.total % 4 == 0
    assert not result.prorated and result.missing == ()


@PROPERTY_SETTINGS
@given(data=st.data(), code=st.sampled_from(["phq15", "who5"]))
def test_a_gap_anywhere_means_no_total(data, code):
    """Whatever is answered, leaving out at least one item gives no total and no band (the
    definitions do not allow prorating), and names exactly the missing items."""
    instrument = get_instrument(code)
    numbers = instrument.item_numbers
    answered = data.draw(
        st.lists(st.sampled_from(numbers), unique=True, max_size=len(numbers) - 1), label="items"
    )
    answers = {}
    for number in answered:
        options = sorted(v for v in instrument.option_values if v != NOT_APPLICABLE)
        if code == "phq15" and number == 4:
            options.append(NOT_APPLICABLE)
        answers[number] = data.draw(st.sampled_from(options), label=f"item {number}")
    result = score(instrument, answers)
    assert result.total is None and result.band is None
    assert set(result.missing) == set(numbers) - set(answered)


@pytest.mark.parametrize(
    ("code", "total", "band"),
    [
        ("phq9", 4, "minimal"),
        ("phq9", 5, "mild"),
        ("phq9", 10, "moderate"),
        ("phq9", 15, "moderately_severe"),
        ("phq9", 20, "severe"),
        ("phq9", 27, "severe"),
        ("gad7", 5, "mild"),
        ("gad7", 10, "moderate"),
        ("gad7", 15, "severe"),
        ("gad7", 21, "severe"),
        ("phq15", 5, "low"),
        ("phq15", 10, "medium"),
        ("phq15", 15, "high"),
        ("who5", 28, "likely_depression"),
        ("who5", 32, "poor_wellbeing"),
        ("who5", 50, "poor_wellbeing"),
        ("who5", 52, "good_wellbeing"),
    ],
)
def test_published_cut_offs(code, total, band):
    assert get_instrument(code).band_for(total).code == band


@pytest.mark.parametrize("code", ["phq9", "gad7", "phq15", "who5"])
def test_a_missing_answer_is_never_scored_as_zero(code):
    instrument = get_instrument(code)
    top = max(instrument.option_values)
    for missing in instrument.item_numbers:
        answers = {n: top for n in instrument.item_numbers if n != missing}
        result = score(instrument, answers)
        assert result.total is None
        assert result.band is None
        assert result.missing == (missing,)
    assert score(instrument, {}).total is None


def test_prorating_happens_only_where_a_definition_allows_it_and_is_marked():
    from dataclasses import replace

    phq9 = get_instrument("phq9")
    answers = dict.fromkeys(range(1, 9), 2)  # item 9 missing
    assert score(phq9, answers).total is None
    lenient = replace(phq9, prorate_max_missing=2)
    result = score(lenient, answers)
    assert result.prorated is True
    assert result.total == 18  # 16 over 8 items, times 9
    assert score(lenient, dict.fromkeys(range(1, 7), 2)).total is None  # 3 missing: too many


def test_item_nine_above_zero_trips_the_safety_rule_whatever_the_total():
    phq9 = get_instrument("phq9")
    for value in (1, 2, 3):
        assert safety_triggers(phq9, {9: value}) == [9]
        assert safety_triggers(phq9, {**dict.fromkeys(range(1, 9), 0), 9: value}) == [9]
    assert safety_triggers(phq9, {**dict.fromkeys(range(1, 9), 3), 9: 0}) == []
    assert safety_triggers(get_instrument("gad7"), dict.fromkeys(range(1, 8), 3)) == []


def test_every_phq9_answer_set_with_item_nine_above_zero_trips_the_rule():
    phq9 = get_instrument("phq9")
    for values in itertools.product(range(4), repeat=9):
        tripped = safety_triggers(phq9, dict(zip(range(1, 10), values, strict=True)))
        assert tripped == ([9] if values[8] > 0 else [])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"10": 1}, "no item 10"),
        ({"1": 4}, "not an answer option"),
        ({"1": -1}, "not an answer option"),
        ({"1": "1.0"}, "not an answer option"),
        ({"1": True}, "not an answer option"),
        ({"x": 1}, "not an item"),
        ({"1": NOT_APPLICABLE}, "not applicable"),
    ],
)
def test_bad_answers_are_refused(raw, message):
    with pytest.raises(AnswerError, match=message):
        clean_answers(get_instrument("phq9"), raw)


def test_clean_answers_accepts_form_strings():
    assert clean_answers(get_instrument("phq9"), {"1": "3", 2: 0}) == {1: 3, 2: 0}
    assert clean_answers(get_instrument("phq15"), {"4": NOT_APPLICABLE}) == {4: NOT_APPLICABLE}


@pytest.mark.parametrize(
    ("code", "baseline", "latest", "expected"),
    [
        ("phq9", 20, 14, "improved"),
        ("phq9", 20, 15, "no_reliable_change"),
        ("phq9", 8, 14, "worse"),
        ("gad7", 12, 8, "improved"),
        ("gad7", 12, 9, "no_reliable_change"),
        ("who5", 40, 52, "improved"),
        ("who5", 40, 32, "no_reliable_change"),
        ("who5", 60, 48, "worse"),
        ("phq9", None, 10, ""),
    ],
)
def test_reliable_change_follows_the_instrument_direction(code, baseline, latest, expected):
    assert reliable_change(get_instrument(code), baseline, latest) == expected
