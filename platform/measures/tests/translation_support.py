"""Helpers for the tests of questionnaire translations."""

import datetime
from pathlib import Path

import yaml

from measures import definitions

# The translations in the repository (a fixture may point the definitions elsewhere).
SHIPPED_DIR = Path(definitions.__file__).resolve().parent / "instruments" / "translations"

# For tests only: what a reviewer adds when they have checked a version word for word. The
# tests write it into copies in a temporary folder; no file in the repository is changed.
FIXTURE_REVIEW = {
    "reviewer": "Test fixture (not a real review)",
    "date": datetime.date(2025, 1, 31),
    "against": "nothing: a test fixture",
}


def shipped_translation(name: str) -> dict:
    """A shipped translation file (e.g. ``phq9.da.yaml``) as a mapping."""
    return yaml.safe_load((SHIPPED_DIR / name).read_text(encoding="utf-8"))
