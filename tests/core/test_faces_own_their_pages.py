"""The core and the feature domains know no page: no module under ``platform/``, ``content/``
or ``messaging/`` declares a face's navigation or imports a face (``patient_app``,
``clinician_app``). Each face owns its menu (``patient_app/menu.py``, ``clinician_app/menu.py``)
and composes its pages (caseload columns, overview panels, dashboard) from the domains' selectors.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_TREES = ("platform", "content", "messaging")
FACES = ("patient_app", "clinician_app")
NAV_NAMES = {"PATIENT_NAV", "CLINICIAN_NAV", "DUTY_NAV", "PATIENT_MENU", "CLINICIAN_MENU"}


def domain_modules():
    for tree in DOMAIN_TREES:
        for path in sorted((ROOT / tree).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "tests" in relative.parts or "migrations" in relative.parts:
                continue
            yield relative.as_posix(), path


def imported_modules(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def assigned_names(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def face_imports(source: str) -> set[str]:
    return {m for m in imported_modules(source) if m.split(".")[0] in FACES}


def test_the_scan_sees_the_domain_trees():
    scanned = dict(domain_modules())
    assert {"platform/config/menus.py", "content/models.py", "messaging/services.py"} <= set(
        scanned
    )


def test_no_domain_keeps_a_navigation_module():
    found = [name for name, path in domain_modules() if path.name == "navigation.py"]
    assert found == []


def test_no_domain_declares_navigation_for_a_face():
    found = {}
    for name, path in domain_modules():
        declared = assigned_names(path.read_text()) & NAV_NAMES
        if declared:
            found[name] = sorted(declared)
    assert found == {}


def test_nothing_discovers_navigation_from_the_apps():
    found = [
        name
        for name, path in domain_modules()
        if 'app_modules("navigation")' in path.read_text()
        or "app_modules('navigation')" in path.read_text()
    ]
    assert found == []


def test_no_domain_imports_a_face():
    found = {}
    for name, path in domain_modules():
        imports = face_imports(path.read_text())
        if imports:
            found[name] = sorted(imports)
    assert found == {}


def test_the_checks_catch_what_they_forbid():
    assert face_imports("from patient_app.menu import PATIENT_MENU\n") == {"patient_app.menu"}
    assert face_imports("import clinician_app.panels\n") == {"clinician_app.panels"}
    assert face_imports("from .navigation import X\n") == set()
    assert assigned_names("PATIENT_NAV = [(10, 'patient:dashboard', 'x')]\n") & NAV_NAMES
