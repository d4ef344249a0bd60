"""Imports point one way: ``records`` is the bottom every app may import and imports no app of
ours; ``accounts`` sits right above it and knows nothing of workspaces (``care``) or anything
built on them. Function-level imports count too: a late import is still a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from config.discovery import PROJECT_APPS

ROOT = Path(__file__).resolve().parents[2]
OURS = {*PROJECT_APPS, "config"}
# app -> the apps of ours it may import (besides itself)
MAY_IMPORT = {
    "records": set(),
    # ``config`` holds the route inventory's vocabulary (config.access) and app discovery.
    "accounts": {"records", "config"},
}


def _folder(app: str) -> Path:
    for base in (ROOT / "platform", ROOT):
        if (base / app).is_dir():
            return base / app
    raise AssertionError(f"no folder for {app}")


def imported_apps(source: str) -> set[str]:
    """The top-level packages of ours a module imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & OURS
    return found


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_an_app_imports_only_what_is_below_it(app):
    found = []
    for path in sorted(_folder(app).rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts)
        if "tests" in parts or "migrations" in parts:
            continue
        wrong = imported_apps(path.read_text(encoding="utf-8")) - MAY_IMPORT[app] - {app}
        found += [f"{path.relative_to(ROOT)} imports {name}" for name in sorted(wrong)]
    assert found == []


def test_the_check_sees_late_and_dotted_imports():
    source = (
        "import json\nfrom records.services import audit\nimport care.events\n"
        "def f():\n    from messaging import services\n"
    )
    assert imported_apps(source) == {"records", "care", "messaging"}
