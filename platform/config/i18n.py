"""The interface catalogues (``platform/locale/<language>/LC_MESSAGES/``): extracting the strings
the code marks, and compiling what translators wrote. ``make messages`` runs both; CI checks
that the catalogues are complete and the compiled files current (tests/core/test_catalogues.py).

Translators work on the plain ``.po`` files (any translation platform reads them): see
docs/translating.md.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
# One domain: the browser's scripts write no words of their own. Every text a script shows (a
# saved note, "Read", a live update) comes from a data- attribute the template wrote, translated
# on the server, so no JavaScript catalogue has to be fetched before a page can speak
# (tests/i18n/test_catalogues.py holds the scripts to that).
DOMAINS = ("django",)
LANGUAGES = tuple(code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
# Not product text: third-party code, tests, tools, the documentation's own scripts.
IGNORE = [
    ".venv/*", "*/tests/*", "tests/*", "bench/*", "docs/*", "var/*", "node_modules/*",
    "*/vendor/*", "*/static/drf_spectacular_sidecar/*",
]  # fmt: skip


def repository_root() -> Path:
    return Path(__file__).resolve().parents[2]


def extract(locale_dir: Path | None = None, languages=LANGUAGES) -> None:
    """``makemessages`` for every language and domain, into ``locale_dir`` (default: ours),
    keeping what is translated there already. Run from the repository root (or a copy of it
    from ``source_copy``): ``makemessages`` writes the strings of ``platform/`` into
    ``platform/locale`` whatever it is told, so the target must be that folder."""
    target = Path(locale_dir or LOCALE_DIR)
    with override_settings(LOCALE_PATHS=[target]):
        for domain in DOMAINS:
            call_command(
                "makemessages",
                locale=list(languages),
                domain=domain,
                ignore_patterns=IGNORE,
                no_obsolete=True,
                verbosity=0,
            )


def source_folders() -> list[str]:
    """The folders whose code is product text: ``platform/`` and every top-level app."""
    root = repository_root()
    return ["platform", *sorted(p.name for p in root.iterdir() if (p / "apps.py").is_file())]


def source_copy(target: Path) -> Path:
    """The files ``extract`` reads, copied to ``target`` with an empty ``platform/locale``."""
    root = repository_root()
    skip = shutil.ignore_patterns(".venv", ".git", "locale", "node_modules", "var", "__pycache__")
    for name in source_folders():
        shutil.copytree(root / name, target / name, ignore=skip)
    (target / "platform" / "locale").mkdir()
    return target


def catalogue(language: str, domain: str = "django", locale_dir: Path | None = None) -> Path:
    return Path(locale_dir or LOCALE_DIR) / language / "LC_MESSAGES" / f"{domain}.po"


def compile_all(locale_dir: Path | None = None) -> list[Path]:
    """Write each ``.mo`` beside its ``.po`` (pure Python: no gettext tools needed to run)."""
    written = []
    for po_path in sorted(Path(locale_dir or LOCALE_DIR).glob("*/LC_MESSAGES/*.po")):
        po = polib.pofile(str(po_path))
        po.metadata_is_fuzzy = False
        mo_path = po_path.with_suffix(".mo")
        po.save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


def problems(language: str, domain: str, locale_dir: Path | None = None) -> list[str]:
    """What keeps a catalogue from being complete: untranslated, fuzzy, a plural form empty, or
    a placeholder the translation lost."""
    path = catalogue(language, domain, locale_dir)
    if not path.exists():
        return [f"{path} is missing"]
    found = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        where = f"{path.name}: {entry.msgid[:60]!r}"
        if "fuzzy" in entry.flags:
            found.append(f"{where} is fuzzy")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.get(i) for i in range(2)):
                found.append(f"{where} lacks a plural form")
        elif not entry.msgstr:
            found.append(f"{where} is not translated")
        found.extend(f"{where}: {p}" for p in _placeholder_problems(entry))
    return found


def _placeholders(text: str) -> set[str]:
    import re

    return set(re.findall(r"%\([a-z_0-9]+\)[sdif]|\{[a-z_0-9]*\}", text))


def _placeholder_problems(entry) -> list[str]:
    if entry.msgid_plural:
        wanted = _placeholders(entry.msgid_plural)
        # The singular may drop the number ("hver dag"), never a name.
        plural = _placeholders(entry.msgstr_plural.get(1, ""))
        return [f"the plural lost {sorted(wanted - plural)}"] if wanted - plural else []
    wanted, given = _placeholders(entry.msgid), _placeholders(entry.msgstr)
    if entry.msgstr and wanted != given:
        return [f"placeholders {sorted(wanted)} became {sorted(given)}"]
    return []
