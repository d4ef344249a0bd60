"""Outcome metrics (measures/outcomes.py) against the NHS Talking Therapies definitions.

The pure function is checked on every combination of totals (PHQ-9 baseline x latest x GAD-7
baseline x latest: 28 * 28 * 22 * 22 = 379,456 cases) against :func:`reference`, a plain
restatement of the published rules that shares no code or constants with the module. Then named
examples, the pairing rule on plain data, the selector on real Response rows (not enough data,
re-basing from a start, one query) and the two pages.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from care.sections import Section
from measures import outcomes, services
from measures.outcomes import NotEnoughData, Outcome, Pair, Scored, outcome, pick_pairs
from tests.factories import add_member, workspace_for

# --- the rules, restated plainly -------------------------------------------------------------


def reference(phq_base, phq_last, gad_base, gad_last):
    """(phq change, gad change, paired, caseness at baseline, at latest, recovered, reliable
    recovery), straight from the manual's wording."""

    def per_measure(base, last, threshold):
        if base - last >= threshold:
            return "improved"
        if last - base >= threshold:
            return "worse"
        return "no_reliable_change"

    phq = per_measure(phq_base, phq_last, 6)
    gad = per_measure(gad_base, gad_last, 4)
    if (phq == "improved" and gad != "worse") or (gad == "improved" and phq != "worse"):
        paired = "reliable_improvement"
    elif (phq == "worse" and gad != "improved") or (gad == "worse" and phq != "improved"):
        paired = "reliable_deterioration"
    else:
        paired = "no_reliable_change"
    case_base = phq_base >= 10 or gad_base >= 8
    case_last = phq_last >= 10 or gad_last >= 8
    if case_base:
        recovered = not case_last
        reliable_recovery = recovered and paired == "reliable_improvement"
    else:
        recovered = None
        reliable_recovery = None
    return phq, gad, paired, case_base, case_last, recovered, reliable_recovery


def _observed(result: Outcome):
    return (
        result.phq9_change,
        result.gad7_change,
        result.paired_change,
        result.caseness_baseline,
        result.caseness_latest,
        result.recovered,
        result.reliable_recovery,
    )


def test_every_combination_of_totals_matches_the_rules():
    checked = 0
    one_of_each_kind: dict[tuple, Outcome] = {}
    phq_range, gad_range = range(28), range(22)
    for phq_base, phq_last, gad_base, gad_last in itertools.product(
        phq_range, phq_range, gad_range, gad_range
    ):
        result = outcome(Pair(phq_base, gad_base), Pair(phq_last, gad_last))
        expected = reference(phq_base, phq_last, gad_base, gad_last)
        observed = _observed(result)
        if observed != expected:
            pytest.fail(f"PHQ {phq_base}->{phq_last}, GAD {gad_base}->{gad_last}: {observed}")
        one_of_each_kind.setdefault(observed, result)
        checked += 1
    assert checked == 28 * 28 * 22 * 22 == 379_456
    # Every kind of result has words for the patient and labels for the clinician.
    for result in one_of_each_kind.values():
        assert result.summary.strip() and result.clinician_label
        assert result.clinician_label in result.clinician_labels
        for blaming in ("fail", "your fault", "should have", "poor"):
            assert blaming not in result.summary.lower()
    # 3 x 3 per-measure results x caseness at each end = 36 kinds, less the two impossible
    # ones: both reliably worse yet leaving caseness, both reliably better yet entering it.
    assert len(one_of_each_kind) == 34


# --- named examples --------------------------------------------------------------------------


def _o(phq, gad):
    return outcome(Pair(phq[0], gad[0]), Pair(phq[1], gad[1]))


def test_both_better_and_below_threshold_is_reliable_recovery():
    result = _o((15, 8), (12, 6))
    assert result.phq9_change == "improved" and result.gad7_change == "improved"
    assert result.reliable_improvement and result.recovered and result.reliable_recovery
    assert result.clinician_label == "Reliable recovery"
    assert result.summary == (
        "Your scores have improved by more than the amount that could be chance, and are now "
        "below the level where services usually offer treatment."
    )


def test_one_better_one_worse_is_no_reliable_change_by_the_paired_rule():
    result = _o((15, 8), (6, 12))
    assert result.phq9_change == "improved" and result.gad7_change == "worse"
    assert result.paired_change == "no_reliable_change" and result.mixed
    assert not result.reliable_improvement and not result.reliable_deterioration
    assert result.recovered is False and result.reliable_recovery is False  # GAD-7 12 >= 8
    assert "Mixed: one measure improved, the other deteriorated" in result.clinician_labels
    assert "One of your scores has improved and the other has gone up" in result.summary


def test_recovered_without_reliable_improvement_is_not_reliable_recovery():
    result = _o((10, 9), (7, 7))
    assert result.caseness_baseline and not result.caseness_latest
    assert result.recovered is True and result.reliable_recovery is False
    assert result.no_reliable_change
    assert result.clinician_labels == (
        "No reliable change",
        "Recovered",
        "No reliable recovery",
        "Caseness at baseline",
        "Below caseness at latest",
    )
    assert "now below the level" in result.summary


def test_recovery_does_not_apply_below_caseness_at_baseline():
    result = _o((9, 3), (7, 5))
    assert not result.caseness_baseline
    assert result.recovered is None and result.reliable_recovery is None
    assert result.reliable_improvement  # PHQ-9 -6, GAD-7 -2
    assert "Recovery not applicable (below caseness at baseline)" in result.clinician_labels


def test_reliable_deterioration_in_kind_words():
    result = _o((12, 18), (9, 11))
    assert result.phq9_change == "worse" and result.gad7_change == "no_reliable_change"
    assert result.reliable_deterioration and result.recovered is False
    assert result.clinician_label == "Reliable deterioration"
    assert "nobody's fault" in result.summary and "care team" in result.summary


@pytest.mark.parametrize(
    ("phq", "gad", "phq9_change", "gad7_change"),
    [
        ((15, 10), (10, 10), "no_reliable_change", "no_reliable_change"),  # -5: not reliable
        ((15, 9), (10, 10), "improved", "no_reliable_change"),  # -6: reliable
        ((9, 15), (10, 10), "worse", "no_reliable_change"),  # +6
        ((10, 10), (10, 7), "no_reliable_change", "no_reliable_change"),  # GAD-7 -3
        ((10, 10), (10, 6), "no_reliable_change", "improved"),  # GAD-7 -4
        ((10, 10), (6, 10), "no_reliable_change", "worse"),  # GAD-7 +4
    ],
)
def test_reliable_change_thresholds_are_6_and_4(phq, gad, phq9_change, gad7_change):
    result = _o(phq, gad)
    assert (result.phq9_change, result.gad7_change) == (phq9_change, gad7_change)


@pytest.mark.parametrize(
    ("phq9", "gad7", "case"),
    [(10, 0, True), (9, 7, False), (0, 8, True), (9, 8, True), (27, 21, True), (0, 0, False)],
)
def test_caseness_is_phq9_10_or_gad7_8(phq9, gad7, case):
    assert outcomes.at_caseness(phq9, gad7) is case
    assert Pair(phq9, gad7).at_caseness is case


def test_the_thresholds_come_from_the_instrument_definitions():
    from measures.definitions import get_instrument

    assert get_instrument("phq9").reliable_change == 6
    assert get_instrument("gad7").reliable_change == 4


@pytest.mark.parametrize("bad", [(28, 0, 0, 0), (0, -1, 0, 0), (0, 0, 22, 0), (0, 0, 0, -1)])
def test_totals_outside_the_range_are_refused(bad):
    with pytest.raises(ValueError):
        outcome(Pair(bad[0], bad[2]), Pair(bad[1], bad[3]))


def test_outcome_is_frozen():
    result = _o((15, 8), (12, 6))
    with pytest.raises(AttributeError):
        result.recovered = False


# --- the pairing rule, on plain data ---------------------------------------------------------

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _s(instrument, total, day, hour=0):
    return Scored(instrument, total, T0 + timedelta(days=day, hours=hour))


def test_pairs_are_the_first_and_latest_of_each_when_within_a_week():
    baseline, latest = pick_pairs(
        [
            _s("phq9", 15, 0),
            _s("gad7", 12, 2),
            _s("phq9", 11, 14),  # in between: ignored
            _s("gad7", 9, 14),
            _s("gad7", 6, 40),
            _s("phq9", 8, 46),
            _s("who5", 60, 47),  # another instrument: ignored
        ]
    )
    assert (baseline.phq9, baseline.gad7) == (15, 12)
    assert (latest.phq9, latest.gad7) == (8, 6)
    assert latest.started_at == T0 + timedelta(days=40)
    assert latest.completed_at == T0 + timedelta(days=46)


def test_scores_more_than_seven_days_apart_are_not_a_pair():
    baseline, latest = pick_pairs(
        [
            _s("phq9", 20, 0),  # no GAD-7 within 7 days: never paired
            _s("gad7", 14, 10),
            _s("phq9", 18, 11),  # the baseline pair: GAD-7 day 10 + PHQ-9 day 11
            _s("gad7", 5, 30),  # the latest pair: GAD-7 day 30 + PHQ-9 day 37 (7 days exactly)
            _s("phq9", 7, 37),
            _s("gad7", 3, 50),  # latest GAD-7 with no PHQ-9 within 7 days
        ]
    )
    assert (baseline.phq9, baseline.gad7) == (18, 14)
    assert (latest.phq9, latest.gad7) == (7, 5)


def test_the_latest_pair_comes_after_the_baseline_pair():
    # Two PHQ-9s but one GAD-7: the GAD-7 cannot be in both pairs.
    assert pick_pairs([_s("phq9", 15, 0), _s("gad7", 12, 1), _s("phq9", 8, 3)])[1] is None
    # Overlapping in time: the latest pair must start after the baseline pair is complete.
    pairs = [_s("phq9", 15, 0), _s("phq9", 14, 1), _s("gad7", 12, 2), _s("gad7", 6, 3)]
    assert pick_pairs(pairs)[1] is None
    # Same minute: still a pair; order of the input does not matter.
    same = [_s("gad7", 12, 0), _s("phq9", 15, 0), _s("gad7", 6, 20), _s("phq9", 8, 20)]
    assert pick_pairs(same) == pick_pairs(list(reversed(same)))
    assert pick_pairs(same)[1].phq9 == 8


def test_not_enough_data_says_how_many_pairs():
    empty = outcomes.outcome_from_responses([])
    assert isinstance(empty, NotEnoughData) and empty.pairs == 0 and empty.responses == 0
    assert not empty.enough_data and empty.clinician_label == "Not enough data"
    one = outcomes.outcome_from_responses([_s("phq9", 15, 0), _s("gad7", 12, 1)])
    assert isinstance(one, NotEnoughData) and one.pairs == 1 and one.baseline.phq9 == 15
    assert "pairs found: 1" in one.clinician_labels[1]
    assert "filled in both the PHQ-9 and the GAD-7 twice" in one.summary


# --- the selector, with real responses -------------------------------------------------------


def _answers(items, total):
    """Answers adding up to ``total`` (PHQ-9 item 9 always 0: no safety flow here)."""
    answers, remaining = {}, total
    for item in range(1, items + 1):
        value = 0 if (items == 9 and item == 9) else min(3, remaining)
        answers[item] = value
        remaining -= value
    assert remaining == 0
    return answers


def _complete(workspace, patient, instrument, total, at):
    items = {"phq9": 9, "gad7": 7}[instrument]
    with time_machine.travel(at, tick=False):
        response = services.response_start(workspace=workspace, instrument=instrument, by=patient)
        services.response_save_answers(
            response=response, answers=_answers(items, total), by=patient
        )
        return services.response_complete(response=response, by=patient)


def _pair_at(workspace, patient, phq9, gad7, day):
    _complete(workspace, patient, "phq9", phq9, T0 + timedelta(days=day))
    _complete(workspace, patient, "gad7", gad7, T0 + timedelta(days=day, hours=1))


@pytest.mark.django_db
def test_no_responses_is_not_enough_data(workspace):
    result = outcomes.outcome_for_workspace(workspace)
    assert isinstance(result, NotEnoughData) and result.pairs == 0 and result.responses == 0


@pytest.mark.django_db
def test_one_pair_and_an_unpaired_phq9_is_not_enough_data(workspace, patient):
    _pair_at(workspace, patient, 15, 12, 0)
    _complete(workspace, patient, "phq9", 8, T0 + timedelta(days=30))
    result = outcomes.outcome_for_workspace(workspace)
    assert isinstance(result, NotEnoughData) and result.pairs == 1 and result.responses == 3


@pytest.mark.django_db
def test_first_to_latest_pair_from_real_responses(
    workspace, patient, other_patient, django_assert_num_queries
):
    _pair_at(workspace, patient, 15, 12, 0)
    _pair_at(workspace, patient, 13, 10, 14)
    _pair_at(workspace, patient, 8, 6, 42)
    # Ignored: an unfinished GAD-7, and another patient's scores.
    with time_machine.travel(T0 + timedelta(days=43), tick=False):
        services.response_start(workspace=workspace, instrument="gad7", by=patient)
    _pair_at(workspace_for(other_patient), other_patient, 24, 21, 50)
    with django_assert_num_queries(1):
        result = outcomes.outcome_for_workspace(workspace)
    assert isinstance(result, Outcome)
    assert (result.baseline.phq9, result.baseline.gad7) == (15, 12)
    assert (result.latest.phq9, result.latest.gad7) == (8, 6)
    assert result.baseline.phq9_completed_at == T0
    assert result.reliable_recovery is True


@pytest.mark.django_db
def test_a_course_boundary_re_bases_the_outcome(workspace, patient):
    _pair_at(workspace, patient, 15, 12, 0)
    _pair_at(workspace, patient, 8, 6, 42)  # end of the first course: reliable recovery
    _pair_at(workspace, patient, 16, 13, 100)  # a new course starts
    _pair_at(workspace, patient, 15, 11, 130)
    whole = outcomes.outcome_for_workspace(workspace)
    assert (whole.baseline.phq9, whole.latest.phq9) == (15, 15)
    assert whole.no_reliable_change and whole.recovered is False
    second_course = outcomes.outcome_for_workspace(workspace, since=T0 + timedelta(days=90))
    assert (second_course.baseline.phq9, second_course.baseline.gad7) == (16, 13)
    assert (second_course.latest.phq9, second_course.latest.gad7) == (15, 11)
    assert second_course.no_reliable_change and second_course.caseness_latest
    # A start after the last pair leaves one pair: not enough data, nothing computed.
    late = outcomes.outcome_for_workspace(workspace, since=T0 + timedelta(days=120))
    assert isinstance(late, NotEnoughData) and late.pairs == 1


# --- the pages -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_patient_sees_the_outcome_in_words(client, patient, workspace):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    url = reverse("patient:measures")
    _pair_at(workspace, patient, 15, 12, 0)
    body = client.get(url).content.decode()
    assert "filled in both the PHQ-9 and the GAD-7 twice" in body
    _pair_at(workspace, patient, 8, 6, 42)
    body = client.get(url).content.decode()
    assert (
        "Your scores have improved by more than the amount that could be chance, and are now "
        "below the level where services usually offer treatment."
    ) in body
    assert "Reliable recovery" not in body  # the clinician's label is not the patient's words


@pytest.mark.django_db
def test_the_patient_with_no_phq9_or_gad7_sees_no_outcome_box(client, patient, workspace):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    body = client.get(reverse("patient:measures")).content.decode()
    assert 'id="outcome-heading"' not in body


@pytest.mark.django_db
def test_the_clinician_sees_the_labels_only_where_measures_are_shared(
    client, patient, workspace, gp, gp_membership, therapist, therapist_membership
):
    _pair_at(workspace, patient, 15, 12, 0)
    _pair_at(workspace, patient, 8, 6, 42)
    url = reverse("clinician:measures", args=[workspace.pk])
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    body = client.get(url).content.decode()
    assert 'data-outcome="reliable_recovery"' in body
    for label in ("Reliable recovery", "Reliable improvement", "Recovered", "Caseness at baseline"):
        assert label in body
    assert "Below caseness at latest" in body
    assert "reliable change is 6 or more points on the PHQ-9 and 4 or more on the GAD-7" in body
    assert "caseness is PHQ-9 10 or more or GAD-7 8 or more" in body
    # The therapist has nothing shared: no measures page, and no outcome on the overview.
    client.force_login(therapist, backend="accounts.backends.EmailBackend")
    assert client.get(url).status_code == 403
    overview = client.get(reverse("clinician:patient_overview", args=[workspace.pk]))
    assert overview.status_code == 200
    assert "Reliable recovery" not in overview.content.decode()
    assert "data-outcome" not in overview.content.decode()


@pytest.mark.django_db
def test_the_clinician_is_told_when_there_is_not_enough_data(client, patient, workspace, gp):
    add_member(workspace, gp, [Section.MEASURES])
    _pair_at(workspace, patient, 15, 12, 0)
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    body = client.get(reverse("clinician:measures", args=[workspace.pk])).content.decode()
    assert 'data-outcome="not_enough_data"' in body
    assert "Not enough data" in body and "pairs found: 1" in body
