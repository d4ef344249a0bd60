"""Small-count suppression for the published tables of the service report.

The service report publishes tables of counts: one row per team or clinician, one column per
metric ("courses ending", "recovered", ...), and an "All" row with each column's total. The
columns are not additive with each other, so every column is protected on its own. Nothing here
touches the database: the functions take plain integers and return what may be published.

The rules:

* **Primary suppression.** A count below ``THRESHOLD`` (0 to 4) is never shown; it reads
  "fewer than 5". This applies to the cells and to the column total.
* **Secondary (complementary) suppression.** A hidden small count must never be worked out
  exactly from what is published. A reader knows every shown cell, the total (when shown), that a
  "fewer than 5" cell lies in 0..4 and that a "not shown" cell or total is 5 or more. From that,
  each hidden cell has a range of possible values. While some "fewer than 5" cell has a range of a
  single value, the smallest shown cell of the column (the earliest row on a tie) is hidden as
  "not shown", which loses the least information. When no shown cell is left, the column total
  is withheld ("not shown") instead; with it gone the small cells can no longer be pinned down.
* **Rates.** A rate (for example recovered / eligible) is shown only when both of its counts
  are shown; see ``rate``.

The ranges are computed with exact interval reasoning: the hidden cells of a column must add up
to a known amount (the total minus the shown cells) or, when the total is itself hidden, to an
amount within a known range. For integer cells with lower and upper bounds, the values one cell
can take under such a sum constraint form exactly one interval, so a cell is pinned down if and
only if that interval holds a single value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils.translation import gettext_lazy as _

THRESHOLD = 5
"""Counts below this are never published."""

SHOWN = "shown"
FEWER_THAN_5 = "fewer_than_5"  # primary suppression: the count is in 0..THRESHOLD - 1
NOT_SHOWN = "not_shown"  # secondary suppression: the count is THRESHOLD or more
CellState = Literal["shown", "fewer_than_5", "not_shown"]
STATES: frozenset[str] = frozenset({SHOWN, FEWER_THAN_5, NOT_SHOWN})

_LABELS = {
    FEWER_THAN_5: _("fewer than 5"),
    NOT_SHOWN: _("not shown"),
}


@dataclass(frozen=True)
class Cell:
    """One published count: its value when shown, otherwise why it is hidden.

    ``value`` is the count when ``state`` is ``"shown"`` and ``None`` otherwise, so a hidden
    count cannot leak into a template or an export by accident.
    """

    value: int | None
    state: CellState

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"unknown cell state {self.state!r}")
        if (self.state == SHOWN) != (self.value is not None):
            raise ValueError("a shown cell has a value and a suppressed cell has none")

    @property
    def is_shown(self) -> bool:
        """True when the count is published."""
        return self.state == SHOWN

    @property
    def display(self) -> str:
        """The text to publish: the number, "fewer than 5" or "not shown" (translated)."""
        if self.state == SHOWN:
            return str(self.value)
        return str(_LABELS[self.state])


def suppress_column(values: Sequence[int]) -> tuple[list[Cell], Cell]:
    """Protect one column of counts; return its row cells and its total cell.

    ``values`` are the true counts, one per row. The total is their sum. A column with no rows
    gives no cells and a "fewer than 5" total.

    Raises ``ValueError`` for a negative count or a value that is not an integer.
    """
    counts = _validated(values)
    cells = [_primary(count) for count in counts]
    total = sum(counts)
    if total < THRESHOLD:
        # Every row is below the threshold too, so every cell is already hidden.
        return cells, Cell(None, FEWER_THAN_5)
    total_cell = Cell(total, SHOWN)
    while _pinned_down(cells, total_cell):
        shown = [row for row, cell in enumerate(cells) if cell.is_shown]
        if not shown:
            # Nothing left to hide in the column: withhold the total (it is THRESHOLD or more).
            return cells, Cell(None, NOT_SHOWN)
        smallest = min(shown, key=lambda row: (counts[row], row))
        cells[smallest] = Cell(None, NOT_SHOWN)
    return cells, total_cell


def suppress_table(columns: Mapping[str, Sequence[int]]) -> dict[str, tuple[list[Cell], Cell]]:
    """Protect every column of a table; the result keeps the order of ``columns``.

    Each column is protected on its own because the columns are not additive with each other.
    All columns must have the same number of rows.

    Raises ``ValueError`` for bad counts or for columns of different lengths.
    """
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError("all columns of a table must have the same number of rows")
    return {name: suppress_column(values) for name, values in columns.items()}


def rate(numerator: Cell, denominator: Cell) -> float | None:
    """The rate numerator / denominator, or ``None`` when it must not be published.

    A rate is published only when both counts are shown (and the denominator is above zero),
    so it can never reveal a hidden count. Use it cell by cell on a pair of count columns, and
    on their two totals for the "All" row.
    """
    # A cell has a value exactly when it is shown.
    if numerator.value is None or denominator.value is None or denominator.value <= 0:
        return None
    return numerator.value / denominator.value


def derivable(cells: list[Cell], total: Cell, true_values: Sequence[int]) -> list[int]:
    """Row indices of "fewer than 5" cells whose value can be worked out from the publication.

    The reasoning uses only what is published (``cells`` and ``total``), with the same interval
    reasoning as ``suppress_column``. ``true_values`` are the real counts behind the cells; they
    are used only to check that the publication belongs to them.

    Raises ``ValueError`` when ``true_values`` are not valid counts or do not match the cells.
    """
    counts = _validated(true_values)
    if len(counts) != len(cells):
        raise ValueError("there must be one true value per cell")
    for count, cell in zip(counts, cells, strict=True):
        if not _agrees(cell, count):
            raise ValueError(f"the cell {cell!r} does not match the true value {count}")
    if not _agrees(total, sum(counts)):
        raise ValueError(f"the total {total!r} does not match the true total {sum(counts)}")
    return _pinned_down(cells, total)


# Internals ----------------------------------------------------------------------------------


def _validated(values: Sequence[int]) -> list[int]:
    counts = list(values)
    for value in counts:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"counts must be integers, not {value!r}")
        if value < 0:
            raise ValueError(f"counts cannot be negative: {value}")
    return counts


def _primary(count: int) -> Cell:
    return Cell(count, SHOWN) if count >= THRESHOLD else Cell(None, FEWER_THAN_5)


def _agrees(cell: Cell, count: int) -> bool:
    if cell.state == SHOWN:
        return cell.value == count
    low, high = _known_bounds(cell)
    return low <= count <= high


def _known_bounds(cell: Cell) -> tuple[int, float]:
    """What a reader knows about a cell or total: the lowest and highest possible value."""
    if cell.value is not None:  # shown
        return cell.value, cell.value
    if cell.state == FEWER_THAN_5:
        return 0, THRESHOLD - 1
    return THRESHOLD, math.inf


def _feasible_ranges(cells: Sequence[Cell], total: Cell) -> dict[int, tuple[float, float]]:
    """For every hidden cell, the lowest and highest value consistent with the publication.

    The hidden cells add up to the total minus the shown cells; when the total is hidden, that
    sum is only known to lie within a range. A hidden cell can take value x exactly when the
    other hidden cells, each within its bounds, can make up the rest of the sum: their total
    can be any integer between the sum of their lower bounds and the sum of their upper bounds.
    """
    shown_sum = sum(cell.value for cell in cells if cell.value is not None)
    total_low, total_high = _known_bounds(total)
    rest_low, rest_high = total_low - shown_sum, total_high - shown_sum

    hidden = {row: _known_bounds(cell) for row, cell in enumerate(cells) if not cell.is_shown}
    lows = sum(low for low, _ in hidden.values())
    finite_highs = sum(high for _, high in hidden.values() if high != math.inf)
    unbounded = sum(1 for _, high in hidden.values() if high == math.inf)

    ranges: dict[int, tuple[float, float]] = {}
    for row, (low, high) in hidden.items():
        others_low = lows - low
        if high == math.inf:
            others_high = math.inf if unbounded > 1 else finite_highs
        else:
            others_high = math.inf if unbounded else finite_highs - high
        ranges[row] = (max(low, rest_low - others_high), min(high, rest_high - others_low))
    return ranges


def _pinned_down(cells: Sequence[Cell], total: Cell) -> list[int]:
    """Rows of "fewer than 5" cells whose feasible range is a single value."""
    ranges = _feasible_ranges(cells, total)
    return [
        row
        for row, (low, high) in ranges.items()
        if cells[row].state == FEWER_THAN_5 and low == high
    ]
