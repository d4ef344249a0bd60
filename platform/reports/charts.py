"""Bar charts of a report's published figures, drawn as SVG by a template
(``reports/_bar_chart.html``). Only published values are drawn: a hidden one has no bar and
says why. The table beside each chart holds the same figures (the accessible alternative)."""

from __future__ import annotations

from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 220
BAR_WIDTH = 360


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # what the bar's value reads, or why there is none
    width: int  # in pixels; 0 for a hidden value
    y: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    bar_width: int = BAR_WIDTH

    @property
    def width(self) -> int:
        return self.label_width + self.bar_width + 80


def bar_chart(title: str, rows: list[tuple[str, float | None, str]]) -> BarChart:
    """``rows``: (label, value or None when hidden, the value as text)."""
    shown = [value for _label, value, _text in rows if value is not None]
    top = max(shown, default=0) or 1
    bars = [
        Bar(
            label=label,
            text=text,
            width=0 if value is None else max(1, round(BAR_WIDTH * value / top)),
            y=index * (BAR_HEIGHT + GAP),
        )
        for index, (label, value, text) in enumerate(rows)
    ]
    return BarChart(title=title, bars=bars, height=max(1, len(bars)) * (BAR_HEIGHT + GAP))
