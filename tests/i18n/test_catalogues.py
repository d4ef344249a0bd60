"""The Danish and Norwegian catalogues are complete and current: every string the code marks is
in them, translated (no fuzzy entry, every plural form, every placeholder kept), and the compiled
files match what translators wrote. ``make messages`` brings them up to date."""

import re
import shutil
from pathlib import Path

import polib
import pytest

from config import i18n

CASES = [(language, domain) for language in i18n.LANGUAGES for domain in i18n.DOMAINS]


@pytest.mark.parametrize(("language", "domain"), CASES)
def test_the_catalogue_is_fully_translated(language, domain):
    assert i18n.problems(language, domain) == []


@pytest.mark.parametrize(("language", "domain"), CASES)
def test_the_compiled_catalogue_is_current(tmp_path, language, domain):
    source = i18n.catalogue(language, domain)
    copy = tmp_path / language / "LC_MESSAGES" / source.name
    copy.parent.mkdir(parents=True)
    shutil.copy(source, copy)
    i18n.compile_all(tmp_path)
    assert copy.with_suffix(".mo").read_bytes() == source.with_suffix(".mo").read_bytes(), (
        f"{source.with_suffix('.mo')} is older than its .po: run `make messages`"
    )


def _ids(path: Path) -> set[tuple[str | None, str]]:
    if not path.exists():
        return set()
    return {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete}


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext (xgettext)")
def test_every_string_in_the_code_is_in_the_catalogues(tmp_path, monkeypatch):
    # Extract from a copy of the source, so the real catalogues are never touched.
    copy = i18n.source_copy(tmp_path / "source")
    monkeypatch.chdir(copy)
    locale = copy / "platform" / "locale"
    i18n.extract(locale)
    for language, domain in CASES:
        fresh = _ids(i18n.catalogue(language, domain, locale))
        kept = _ids(i18n.catalogue(language, domain))
        assert not fresh - kept, (
            f"{language}/{domain}: strings in the code but not in the catalogue (run `make "
            f"messages` and translate them): {sorted(m for _c, m in fresh - kept)[:10]}"
        )
        assert not kept - fresh, (
            f"{language}/{domain}: catalogue entries the code no longer has: "
            f"{sorted(m for _c, m in kept - fresh)[:10]}"
        )


# --- the browser's scripts -----------------------------------------------------------------

SCRIPTS = sorted(
    path
    for base in i18n.source_folders()
    for path in (i18n.repository_root() / base).rglob("static/**/*.js")
    if "vendor" not in path.parts and not path.name.endswith(".min.js")
)
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`((?:[^`\\]|\\.)*)`')
COMMENT = re.compile(r"/\*.*?\*/|(?<![:\"'])//[^\n]*", re.DOTALL)  # not "wss://"
# Code, not words: directives, selectors, event and field names.
NOT_WORDS = {"use strict", "input, select, textarea"}


def prose(literal: str) -> bool:
    """A literal that reads as words for people: two words in a row, or one capitalised word."""
    if literal in NOT_WORDS:
        return False
    return bool(
        re.search(r"[A-Za-z]{2,} [a-z]{2,}", literal)
        or re.fullmatch(r"[A-Z][a-z]{2,}[.!]?", literal)
    )


def test_the_check_sees_words_in_a_script():
    assert prose("Saved") and prose("Could not send") and prose("Your message was read.")
    assert not prose("DOMContentLoaded") and not prose("[data-live-ladder]")
    assert not prose(" mine") and not prose("Content-Type") and not prose("use strict")


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_a_script_writes_no_words_of_its_own(path):
    """Scripts take their texts from data- attributes the (translated) template wrote."""
    assert SCRIPTS, "no scripts found"
    source = COMMENT.sub("", path.read_text(encoding="utf-8"))
    words = [
        text
        for match in LITERAL.finditer(source)
        for text in match.groups()
        if text and prose(text)
    ]
    assert words == [], f"{path}: put these in a data- attribute of the template: {words}"
