"""Check-in trends as plain data for a server-rendered SVG chart and its text alternative.

No JavaScript: the template draws one line per measure from the points computed here, and a
table plus a short summary carry the same information for screen readers and for print.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from toolbox.models import SCALE_MAX, SCALE_MIN, CheckIn

MEASURES = (
    ("mood", _("Mood")),
    ("symptoms", _("Symptom intensity")),
    ("energy", _("Energy")),
    ("sleep", _("Sleep")),
)
WIDTH, HEIGHT, PAD = 640, 240, 30


@dataclass
class Series:
    key: str
    label: str
    segments: list[str] = field(default_factory=list)  # "x,y x,y ..." for each unbroken run
    dots: list[tuple[float, float, int]] = field(default_factory=list)
    average: float | None = None
    count: int = 0


@dataclass
class Trend:
    period_days: int
    start: date
    end: date
    series: list[Series]
    rows: list[CheckIn]
    width: int = WIDTH
    height: int = HEIGHT
    pad: int = PAD
    gridlines: list[tuple[int, float]] = field(default_factory=list)
    day_marks: list[tuple[float, date]] = field(default_factory=list)  # x-axis labels

    @property
    def entry_count(self) -> int:
        return len(self.rows)


def _x(index: int, days: int) -> float:
    return round(PAD + index * (WIDTH - 2 * PAD) / max(days - 1, 1), 1)


def _y(value: int) -> float:
    span = SCALE_MAX - SCALE_MIN
    return round(HEIGHT - PAD - (value - SCALE_MIN) * (HEIGHT - 2 * PAD) / span, 1)


def trend(checkins: Iterable[CheckIn], *, end: date, days: int) -> Trend:
    """The ``days`` days up to and including ``end``. ``checkins`` may hold other days; they
    are ignored. A missing day breaks the line rather than pretending a value."""
    start = end - timedelta(days=days - 1)
    by_day = {c.day: c for c in checkins if start <= c.day <= end}
    series = []
    for key, label in MEASURES:
        line = Series(key=key, label=str(label))
        run: list[str] = []
        values = []
        for index in range(days):
            checkin = by_day.get(start + timedelta(days=index))
            if checkin is None:
                if run:
                    line.segments.append(" ".join(run))
                    run = []
                continue
            value = getattr(checkin, key)
            values.append(value)
            x, y = _x(index, days), _y(value)
            run.append(f"{x},{y}")
            line.dots.append((x, y, value))
        if run:
            line.segments.append(" ".join(run))
        line.count = len(values)
        line.average = round(sum(values) / len(values), 1) if values else None
        series.append(line)
    return Trend(
        period_days=days,
        start=start,
        end=end,
        series=series,
        rows=sorted(by_day.values(), key=lambda c: c.day),
        gridlines=[(v, _y(v)) for v in range(SCALE_MIN, SCALE_MAX + 1)],
        day_marks=[
            (_x(index, days), start + timedelta(days=index))
            for index in range(days)
            if days <= 7 or index % 7 == 0 or index == days - 1
        ],
    )
