"""The design tokens meet WCAG AA for the pairs the components use them in, and the
components and the page frame take every colour from a token."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "platform" / "static" / "css"
TOKEN = re.compile(r"--color-([a-z-]+):\s*#([0-9a-fA-F]{6})\s*;")

# (foreground, background): text on a surface needs 4.5:1.
TEXT_PAIRS = [
    ("ink", "paper"),
    ("ink", "surface"),
    ("ink", "surface-sunk"),
    ("ink", "warm-soft"),
    ("ink", "ok-soft"),
    ("ink", "accent-soft"),
    ("ink", "focus-halo"),
    ("ink-muted", "paper"),
    ("ink-muted", "surface"),
    ("ink-muted", "surface-sunk"),
    ("ink-muted", "ok-soft"),
    ("ink-muted", "accent-soft"),
    ("accent", "paper"),
    ("accent", "surface"),
    ("accent", "accent-soft"),
    ("accent-hover", "surface"),
    ("accent-hover", "accent-soft"),
    ("on-accent", "accent"),
    ("on-accent", "accent-hover"),
    ("on-accent", "danger"),
    ("on-accent", "danger-hover"),
    ("on-accent", "ok"),
    ("on-brand", "brand"),
    ("on-brand-accent", "brand"),
    ("warm", "paper"),
    ("warm", "surface"),
    ("warm", "warm-soft"),
    ("danger", "surface"),
    ("danger", "paper"),
    ("danger", "danger-soft"),
    ("warn", "surface"),
    ("warn", "warn-soft"),
    ("ok", "surface"),
    ("ok", "ok-soft"),
    ("focus", "focus-halo"),
]
# Borders, the focus ring and the chosen number box need 3:1 against what is next to them.
NON_TEXT_PAIRS = [
    ("line-strong", "surface"),
    ("line-strong", "paper"),
    ("focus", "surface"),
    ("focus", "paper"),
    ("focus-halo", "brand"),
    ("accent", "surface"),
    ("danger", "surface"),
    ("warm", "surface"),
]


def tokens() -> dict[str, str]:
    return dict(TOKEN.findall((CSS / "tokens.css").read_text()))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_computed_as_wcag_defines_it():
    assert round(contrast("000000", "ffffff"), 1) == 21.0
    assert round(contrast("777777", "ffffff"), 2) == 4.48


@pytest.mark.parametrize(("fg", "bg"), TEXT_PAIRS)
def test_text_colours_meet_aa(fg, bg):
    colours = tokens()
    assert contrast(colours[fg], colours[bg]) >= 4.5, f"{fg} on {bg}"


@pytest.mark.parametrize(("fg", "bg"), NON_TEXT_PAIRS)
def test_borders_and_focus_meet_3_to_1(fg, bg):
    colours = tokens()
    assert contrast(colours[fg], colours[bg]) >= 3, f"{fg} next to {bg}"


@pytest.mark.parametrize("sheet", ["components.css", "app.css"])
def test_components_take_every_colour_from_a_token(sheet):
    text = re.sub(r"/\*.*?\*/", "", (CSS / sheet).read_text(), flags=re.S)
    raw = re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(", text)
    assert raw == [], f"{sheet} has colours that are not tokens: {raw}"
