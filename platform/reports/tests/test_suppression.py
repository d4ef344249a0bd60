"""Small-count suppression: worked examples, then properties checked by brute force.

The brute-force checker below is deliberately independent of the interval reasoning in
``reports.suppression``: it lists every integer assignment of the hidden cells that agrees with
what is published and looks at which values each hidden cell takes.
"""

import pytest
from django.utils import translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reports.suppression import (
    THRESHOLD,
    Cell,
    derivable,
    rate,
    suppress_column,
    suppress_table,
)

SMALL = range(0, 5)  # what a reader knows about a "fewer than 5" count
WITHHELD_CAP = 9  # see feasible_values: with a withheld total, larger hidden values add nothing

# Counts biased towards the small values where suppression happens.
counts = st.one_of(st.integers(0, 6), st.integers(0, 40))
columns = st.lists(counts, min_size=1, max_size=8)
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None)


# The independent checker ---------------------------------------------------------------------


def feasible_values(cells: list[Cell], total: Cell) -> dict[int, set[int]]:
    """Every value each hidden cell takes over the assignments that agree with the publication.

    A "fewer than 5" cell is tried with 0..4 and a "not shown" cell with 5..S, where S is what
    the hidden cells add up to. The hidden cells must add up to S when the total is shown, to at
    most 4 in all when the total is "fewer than 5", and to at least 5 in all when it is "not
    shown". In that last case a "not shown" cell is tried with 5..9 only: the sum only has a
    lower bound, which a single "not shown" cell already meets, so larger values cannot make any
    other value possible.

    The search stops early once every "fewer than 5" cell has been seen with two values, which
    is all the no-leak check needs.
    """
    hidden = [row for row, cell in enumerate(cells) if cell.state != "shown"]
    shown_sum = sum(cell.value for cell in cells if cell.state == "shown")
    if total.state == "shown":
        need_low = need_high = total.value - shown_sum
    elif total.state == "fewer_than_5":
        need_low, need_high = 0 - shown_sum, 4 - shown_sum
    else:
        need_low, need_high = 5 - shown_sum, None
    cap = need_high if need_high is not None else WITHHELD_CAP
    domains = {
        row: SMALL if cells[row].state == "fewer_than_5" else range(5, max(cap, 4) + 1)
        for row in hidden
    }
    # Try the widest domain last: with a shown total its value is then forced by the others.
    hidden.sort(key=lambda row: len(domains[row]))
    small_rows = [row for row in hidden if cells[row].state == "fewer_than_5"]
    seen: dict[int, set[int]] = {row: set() for row in hidden}
    exact_sum = need_low == need_high

    def done() -> bool:
        return all(len(seen[row]) >= 2 for row in small_rows)

    def search(position: int, chosen: list[int], partial: int) -> bool:
        if need_high is not None and partial > need_high:
            return False  # counts are never negative, so the sum can only grow
        if position == len(hidden):
            if partial >= need_low and (need_high is None or partial <= need_high):
                for row, value in zip(hidden, chosen, strict=True):
                    seen[row].add(value)
            return done()
        row = hidden[position]
        if exact_sum and position == len(hidden) - 1:
            candidates = [need_low - partial] if need_low - partial in domains[row] else []
        else:
            candidates = domains[row]
        for value in candidates:
            chosen.append(value)
            stop = search(position + 1, chosen, partial + value)
            chosen.pop()
            if stop:
                return True
        return False

    search(0, [], 0)
    return seen


def agrees_with_truth(cells: list[Cell], total: Cell, values: list[int]) -> bool:
    """True when the real counts are one of the assignments the checker accepts."""
    hidden_sum = sum(value for cell, value in zip(cells, values, strict=True) if cell.value is None)
    for cell, value in zip(cells, values, strict=True):
        if cell.state == "fewer_than_5" and value not in SMALL:
            return False
        if cell.state == "not_shown" and value < 5:
            return False
    if total.state == "shown":
        return hidden_sum == total.value - sum(c.value for c in cells if c.value is not None)
    if total.state == "fewer_than_5":
        return sum(values) <= 4
    return sum(values) >= 5


def states(cells: list[Cell]) -> list[str]:
    return [cell.state for cell in cells]


# Worked examples -------------------------------------------------------------------------------


def test_two_zeros_with_a_published_total_are_not_revealed():
    cells, total = suppress_column([0, 0, 12])
    assert states(cells) == ["fewer_than_5", "fewer_than_5", "not_shown"]
    assert total == Cell(12, "shown")
    assert derivable(cells, total, [0, 0, 12]) == []


def test_zero_next_to_a_five_withholds_the_total():
    # Hiding the 5 is not enough: a hidden cell of 5 or more and a total of 5 still force a 0.
    cells, total = suppress_column([0, 5])
    assert states(cells) == ["fewer_than_5", "not_shown"]
    assert total == Cell(None, "not_shown")
    assert derivable(cells, total, [0, 5]) == []


def test_one_small_cell_hides_the_smallest_other_cell():
    cells, total = suppress_column([3, 20, 30])
    assert cells == [Cell(None, "fewer_than_5"), Cell(None, "not_shown"), Cell(30, "shown")]
    assert total == Cell(53, "shown")


def test_nothing_small_hides_nothing():
    cells, total = suppress_column([7, 8, 9])
    assert cells == [Cell(7, "shown"), Cell(8, "shown"), Cell(9, "shown")]
    assert total == Cell(24, "shown")


def test_single_row_below_the_threshold_hides_the_total_too():
    cells, total = suppress_column([2])
    assert cells == [Cell(None, "fewer_than_5")]
    assert total == Cell(None, "fewer_than_5")


def test_three_fours_do_not_give_themselves_away():
    # Shown as they are, 52 - 40 = 12 could only be 4 + 4 + 4.
    cells, total = suppress_column([4, 4, 4, 40])
    assert states(cells) == ["fewer_than_5"] * 3 + ["not_shown"]
    assert total == Cell(52, "shown")
    assert derivable(cells, total, [4, 4, 4, 40]) == []


def test_small_cells_that_leave_room_need_no_secondary_suppression():
    cells, total = suppress_column([4, 1, 9])
    assert states(cells) == ["fewer_than_5", "fewer_than_5", "shown"]
    assert total == Cell(14, "shown")


def test_ties_for_the_smallest_cell_go_to_the_first_row():
    cells, _total = suppress_column([1, 9, 7, 7, 30])
    assert states(cells) == ["fewer_than_5", "shown", "not_shown", "shown", "shown"]


def test_all_small_cells_with_a_total_of_five_or_more_withhold_the_total():
    cells, total = suppress_column([4, 4])
    assert states(cells) == ["fewer_than_5", "fewer_than_5"]
    assert total == Cell(None, "not_shown")


def test_an_empty_column_publishes_nothing():
    assert suppress_column([]) == ([], Cell(None, "fewer_than_5"))


def test_derivable_finds_the_leaks_of_primary_suppression_alone():
    def primary_only(values):
        return [Cell(v, "shown") if v >= 5 else Cell(None, "fewer_than_5") for v in values]

    assert derivable(primary_only([0, 0, 12]), Cell(12, "shown"), [0, 0, 12]) == [0, 1]
    assert derivable(primary_only([0, 5]), Cell(5, "shown"), [0, 5]) == [0]
    assert derivable(primary_only([3, 20, 30]), Cell(53, "shown"), [3, 20, 30]) == [0]
    assert derivable(primary_only([4, 1, 9]), Cell(14, "shown"), [4, 1, 9]) == []


def test_display_texts():
    with translation.override("en"):
        assert Cell(12, "shown").display == "12"
        assert Cell(None, "fewer_than_5").display == "fewer than 5"
        assert Cell(None, "not_shown").display == "not shown"


def test_table_protects_each_column_on_its_own():
    table = {"courses ending": [3, 20, 30], "recovered": [7, 8, 9]}
    assert suppress_table(table) == {name: suppress_column(v) for name, v in table.items()}
    assert list(suppress_table(table)) == ["courses ending", "recovered"]


def test_rates_only_where_both_counts_are_shown():
    table = suppress_table({"eligible": [3, 20, 30, 10], "recovered": [1, 12, 15, 6]})
    eligible, eligible_total = table["eligible"]
    recovered, recovered_total = table["recovered"]
    rates = [rate(r, e) for r, e in zip(recovered, eligible, strict=True)]
    # eligible: 3 is small and 10 hides with it; recovered: 1 is small and 6 hides with it.
    assert rates == [None, 12 / 20, 15 / 30, None]
    assert rate(recovered_total, eligible_total) == 34 / 63


def test_rate_rules():
    assert rate(Cell(6, "shown"), Cell(12, "shown")) == 0.5
    assert rate(Cell(None, "fewer_than_5"), Cell(12, "shown")) is None
    assert rate(Cell(6, "shown"), Cell(None, "not_shown")) is None
    assert rate(Cell(None, "not_shown"), Cell(None, "fewer_than_5")) is None
    assert rate(Cell(0, "shown"), Cell(0, "shown")) is None  # no division by zero


@pytest.mark.parametrize("bad", [[-1], [3, -2, 8], [1.0], [2.5], [True], ["3"], [None]])
def test_bad_counts_raise(bad):
    with pytest.raises(ValueError):
        suppress_column(bad)
    with pytest.raises(ValueError):
        suppress_table({"column": bad})


def test_columns_of_different_lengths_raise():
    with pytest.raises(ValueError):
        suppress_table({"a": [1, 2], "b": [3]})


@pytest.mark.parametrize(
    ("value", "state"),
    [(3, "fewer_than_5"), (7, "not_shown"), (None, "shown"), (None, "hidden")],
)
def test_inconsistent_cells_raise(value, state):
    with pytest.raises(ValueError):
        Cell(value, state)


def test_derivable_checks_the_true_values():
    cells, total = suppress_column([0, 0, 12])
    with pytest.raises(ValueError):
        derivable(cells, total, [0, 0])  # one value missing
    with pytest.raises(ValueError):
        derivable(cells, total, [0, 0, 13])  # total does not match
    with pytest.raises(ValueError):
        derivable(cells, total, [0, -1, 12])


# Properties --------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(columns)
def test_no_small_count_can_be_worked_out(values):
    cells, total = suppress_column(values)
    assume(sum(cell.state != "shown" for cell in cells) <= 5)  # keeps the brute force quick
    assert agrees_with_truth(cells, total, values)
    seen = feasible_values(cells, total)
    for row, cell in enumerate(cells):
        if cell.state == "fewer_than_5":
            assert len(seen[row]) >= 2, (values, row, cells, total)


@PROPERTY_SETTINGS
@given(columns)
def test_published_values_are_true_and_hidden_ones_are_labelled_truthfully(values):
    cells, total = suppress_column(values)
    assert len(cells) == len(values)
    for cell, value in [*zip(cells, values, strict=True), (total, sum(values))]:
        if cell.state == "shown":
            assert cell.value == value >= THRESHOLD
            assert cell.display == str(value)
        elif cell.state == "fewer_than_5":
            assert cell.value is None and value < THRESHOLD
        else:
            assert cell.state == "not_shown"
            assert cell.value is None and value >= THRESHOLD
    assert derivable(cells, total, values) == []


@PROPERTY_SETTINGS
@given(columns)
def test_secondary_suppression_takes_the_smallest_cells_and_only_when_needed(values):
    cells, total = suppress_column(values)
    hidden = [v for v, c in zip(values, cells, strict=True) if c.state == "not_shown"]
    shown = [v for v, c in zip(values, cells, strict=True) if c.state == "shown"]
    if hidden and shown:
        assert max(hidden) <= min(shown)
    # The total is withheld only once every cell is hidden.
    if total.state == "not_shown":
        assert not shown
    # Without a leak from the small cells alone, nothing else is hidden.
    primary = [Cell(v, "shown") if v >= THRESHOLD else Cell(None, "fewer_than_5") for v in values]
    primary_total = Cell(sum(values), "shown") if sum(values) >= THRESHOLD else total
    if not derivable(primary, primary_total, values):
        assert cells == primary and total == primary_total


@st.composite
def publications(draw):
    """Any truthful publication of a small column, protected well or badly."""
    values = draw(st.lists(st.integers(0, 12), min_size=1, max_size=5))
    cells = []
    for value in values:
        if value < THRESHOLD:
            cells.append(Cell(None, "fewer_than_5"))
        elif draw(st.booleans()):
            cells.append(Cell(None, "not_shown"))
        else:
            cells.append(Cell(value, "shown"))
    total_value = sum(values)
    if total_value < THRESHOLD:
        total = Cell(None, "fewer_than_5")
    elif draw(st.booleans()):
        total = Cell(None, "not_shown")
    else:
        total = Cell(total_value, "shown")
    return values, cells, total


@PROPERTY_SETTINGS
@given(publications())
def test_derivable_agrees_with_brute_force(publication):
    values, cells, total = publication
    assert agrees_with_truth(cells, total, values)
    seen = feasible_values(cells, total)
    expected = [row for row, cell in enumerate(cells) if cell.state == "fewer_than_5"]
    expected = [row for row in expected if len(seen[row]) < 2]
    assert derivable(cells, total, values) == expected
    for row in expected:
        assert seen[row] == {values[row]}
