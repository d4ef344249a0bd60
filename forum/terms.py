"""The watched terms (``forum/terms/watched.yaml``): versioned data owned by clinicians. Every
language's terms are checked in every post, whatever the writer's language."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

FILE = Path(__file__).with_name("terms") / "watched.yaml"


@dataclass(frozen=True)
class WatchedTerms:
    version: str
    owner: str
    # (term id, compiled pattern)
    patterns: tuple[tuple[str, re.Pattern], ...]
    languages: tuple[str, ...]

    def matches(self, text: str) -> list[str]:
        """The ids of the terms ``text`` contains (whole words, any case, any spacing)."""
        folded = fold(text)
        return [term_id for term_id, pattern in self.patterns if pattern.search(folded)]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", text)


def _pattern(term: str) -> re.Pattern:
    words = [re.escape(w) for w in fold(term).strip().split(" ")]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def load(path: Path = FILE) -> WatchedTerms:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not data.get("version") or not data.get("owner"):
        raise ValueError(f"{path}: needs 'version', 'owner' and 'terms'")
    patterns = []
    seen = set()
    for language, terms in (data.get("terms") or {}).items():
        for entry in terms or []:
            term_id, text = entry.get("id"), entry.get("text")
            if not term_id or not text or term_id in seen:
                raise ValueError(f"{path}: {language}: each term needs a unique id and a text")
            seen.add(term_id)
            patterns.append((term_id, _pattern(text)))
    if not patterns:
        raise ValueError(f"{path}: no terms")
    return WatchedTerms(
        version=str(data["version"]),
        owner=str(data["owner"]),
        patterns=tuple(patterns),
        languages=tuple(data["terms"]),
    )


@cache
def watched() -> WatchedTerms:
    return load()
