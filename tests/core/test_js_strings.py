"""Every word a script shows comes from the page, where the template translates it.

The platform's scripts read their labels from ``data-*-label`` attributes written with
``{% translate %}``, so Danish and Norwegian pages never show an English word from a script.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A quoted literal that holds a word (two letters or more) assigned to shown text, or offered as a
# fallback label: ``textContent = "Read"``, ``x ? "Read" : "Sent"``, ``label || "Updated"``.
SHOWN = re.compile(r"""(?:textContent|innerText|announce\()[^;\n]*["'][A-Za-z]{2,}[^"'\n]*["']""")
FALLBACK = re.compile(r"""(?:Label|label)\s*\|\|\s*["'][A-Za-z]""")


def scripts():
    return [
        path
        for path in ROOT.rglob("static/**/*.js")
        if ".venv" not in path.parts and "node_modules" not in path.parts
    ]


def test_the_project_has_scripts_to_check():
    assert len(scripts()) >= 3


def test_no_script_shows_an_untranslated_word():
    found = []
    for path in scripts():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("//"):
                continue
            if SHOWN.search(line) or FALLBACK.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {stripped}")
    assert found == []


def test_the_thread_page_gives_its_script_translated_labels():
    template = (ROOT / "messaging/templates/messaging/thread.html").read_text()
    for attribute in ("data-read-label", "data-sent-label", "data-removed-label"):
        assert re.search(attribute + r"""="\{% translate '[^']+' %\}\"""", template), attribute
