"""Dates and times follow the person: their language's formats (English the British way, with
a 24-hour clock) and their time zone, on every page and in the charts. Templates name a format
(``DATE_FORMAT`` ...), never a pattern of their own, so a language changes them all at once."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format

ROOT = Path(__file__).resolve().parents[2]
NAMED = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "TIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
}
# Single parts that every language words itself: a weekday's name, a day's number.
PARTS = {"D", "l", "j"}
# Machine formats, for attributes and form values only (<time datetime>, a hidden day), written
# in single quotes: ISO 8601, a day, a month.
MACHINE = {"c", "U", "Y-m-d", "Y-m"}
FILTER = re.compile(r"""\|(?:date|time):(["'])([^"']*)["']""")

MOMENT = datetime(2026, 12, 3, 23, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 on 4 Dec in Copenhagen


def test_templates_name_their_formats():
    files = subprocess.run(
        ["git", "ls-files", "*.html"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(files) > 50
    found = [
        f"{name}: {pattern}"
        for name in files
        for quote, pattern in FILTER.findall((ROOT / name).read_text(encoding="utf-8"))
        if pattern not in (NAMED | PARTS if quote == '"' else MACHINE)
    ]
    assert found == [], "use a named format (DATE_FORMAT ...) so each language words it"


@pytest.mark.parametrize(
    ("language", "expected_date", "expected_moment", "expected_short"),
    [
        ("en", "4 Dec 2026", "4 Dec 2026, 00:30", "04/12/2026"),
        ("da", "4. december 2026", "4. december 2026 00:30", "04.12.2026"),
        ("nb", "4. desember 2026", "4. desember 2026 00:30", "04.12.2026"),
    ],
)
def test_each_language_words_dates_its_own_way(
    language, expected_date, expected_moment, expected_short
):
    with translation.override(language), timezone.override("Europe/Copenhagen"):
        local = timezone.localtime(MOMENT)
        assert date_format(local.date()) == expected_date
        assert date_format(local, "DATETIME_FORMAT") == expected_moment
        assert date_format(local, "SHORT_DATE_FORMAT") == expected_short


def test_english_is_british_not_american():
    with translation.override("en"):
        assert date_format(date(2026, 4, 12), "SHORT_DATE_FORMAT") == "12/04/2026"
        assert "a.m." not in date_format(MOMENT, "DATETIME_FORMAT")


def test_a_page_shows_a_moment_in_the_persons_zone():
    template = Template('{{ moment|date:"DATETIME_FORMAT" }}')
    with translation.override("en"):
        with timezone.override("Europe/Copenhagen"):
            assert template.render(Context({"moment": MOMENT})) == "4 Dec 2026, 00:30"
        with timezone.override("America/New_York"):
            assert template.render(Context({"moment": MOMENT})) == "3 Dec 2026, 18:30"


@pytest.mark.django_db
def test_chart_points_carry_the_local_day_not_the_utc_one():
    from types import SimpleNamespace

    from measures import charts
    from measures.definitions import get_instrument

    phq9 = get_instrument("phq9")
    trend = SimpleNamespace(
        instrument=phq9,
        points=[SimpleNamespace(total=5, completed_at=MOMENT)],
    )
    with translation.override("en"), timezone.override("Europe/Copenhagen"):
        assert charts.chart(trend)["points"][0].date_label == "4 Dec"
    with translation.override("da"), timezone.override("Europe/Copenhagen"):
        assert charts.chart(trend)["points"][0].date_label == "4. december"
