"""Server-rendered SVG line charts of a score over time, readable without colour: every point
has a visible marker and its value written beside it, the severity bands are labelled in text
and drawn with different hatching, and a table beside the chart carries the same data."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language

from measures.definitions import band_label
from measures.selectors import Trend

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 150, 16, 36


@dataclass(frozen=True)
class ChartBand:
    y: float
    height: float
    label: str
    label_y: float
    pattern: str


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str
    label_y: float
    date_label: str


def chart(trend: Trend) -> dict:
    """Coordinates for ``measures/_chart.html``."""
    instrument = trend.instrument
    low, high = instrument.min_score, instrument.max_score
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(value: float) -> float:
        return round(TOP + plot_h * (1 - (value - low) / ((high - low) or 1)), 1)

    bands = []
    for n, band in enumerate(instrument.bands):
        top, bottom = y_of(band.max + (1 if band.max < high else 0)), y_of(band.min)
        bands.append(
            ChartBand(
                y=top,
                height=round(bottom - top, 1),
                label=band_label(instrument.code, band.min, get_language()),
                label_y=round((top + bottom) / 2 + 4, 1),
                pattern=f"band-{n % 3}",
            )
        )
    count = len(trend.points)
    points = []
    for n, point in enumerate(trend.points):
        x = LEFT + (plot_w * n / (count - 1) if count > 1 else plot_w / 2)
        points.append(
            ChartPoint(
                x=round(x, 1),
                y=y_of(point.total),
                label=str(point.total),
                label_y=round(y_of(point.total) - 10, 1),
                date_label=date_format(localtime(point.completed_at), "MONTH_DAY_FORMAT"),
            )
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "plot_right": WIDTH - RIGHT,
        "plot_width": plot_w,
        "tick_x": LEFT - 6,
        "date_y": HEIGHT - BOTTOM + 18,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "band_label_x": WIDTH - RIGHT + 6,
        "bands": bands,
        "points": points,
        "polyline": " ".join(f"{p.x},{p.y}" for p in points),
        "ticks": [{"y": y_of(v), "label": v} for v in (low, (low + high) // 2, high)],
        "higher_is_better": instrument.higher_is_better,
    }
