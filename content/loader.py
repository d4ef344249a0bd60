"""Content packs: a programme as a folder of YAML, Markdown and media, loaded into the database.

A pack looks like this (paths are relative to the pack folder and may not leave it)::

    programme.yaml        slug, title, summary, language, exercises: <file>, modules: [<file>...]
    exercises.yaml        the exercise library: a list of exercises (fields: text/scale/...)
    modules/*.yaml        slug, title, summary, key_points, try_this_week, pages: [...]
    pages/*.md            page text, referenced from a text block as ``file:``
    media/*               illustrations (SVG, PNG ...), audio, video, captions (VTT)

``pack_read`` parses and validates everything first and collects every problem with its file and
line (from PyYAML's marks); ``pack_apply`` writes only a pack with no problems, in one
transaction, matching rows by slug so a re-load updates in place. Content removed from a pack is
retired, never deleted: patients' progress and answers keep pointing at it.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import translation

from content.markdown_render import render_markdown
from content.models import Exercise, MediaAsset, Module, Page, Programme
from content.translations import TranslationSpec, read_translations

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MEDIA_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".m4a": "audio/mp4",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".vtt": "text/vtt",
}
IMAGE_EXT = {".svg", ".png", ".jpg", ".webp"}
AUDIO_EXT = {".mp3", ".ogg", ".wav", ".m4a"}
VIDEO_EXT = {".mp4", ".webm"}
MAX_MEDIA_BYTES = 20 * 1024 * 1024
MAX_TEXT_LENGTH = 5000
FIELD_TYPES = ("text", "scale", "checklist", "choice")
BLOCK_TYPES = ("text", "image", "audio", "video", "exercise", "reflection", "key_points")


# --- YAML with line numbers --------------------------------------------------------------------


class Located(dict):
    """A YAML mapping that remembers the line it started on (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        """The line of ``key`` when present, else the mapping's own line."""
        return getattr(self, "key_lines", {}).get(key, self.line)


class LocatedList(list):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    value = Located(loader.construct_mapping(node, deep=True))
    value.line = node.start_mark.line + 1
    value.key_lines = {
        str(key.value): key.start_mark.line + 1 for key, _v in node.value if hasattr(key, "value")
    }
    return value


def _construct_sequence(loader, node):
    value = LocatedList(loader.construct_sequence(node, deep=True))
    value.line = node.start_mark.line + 1
    return value


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


# --- what a read pack looks like ---------------------------------------------------------------


@dataclass(frozen=True)
class PackError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.message}"
            if self.line
            else f"{self.file}: {self.message}"
        )


class PackInvalid(Exception):
    def __init__(self, errors: list[PackError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class PageSpec:
    slug: str
    title: str
    blocks: list[dict]


@dataclass
class ModuleSpec:
    slug: str
    title: str
    summary: str
    key_points: list[str]
    try_this_week: str
    pages: list[PageSpec]


@dataclass
class ExerciseSpec:
    slug: str
    kind: str
    title: str
    intro_html: str
    fields: list[dict]


@dataclass
class PackSpec:
    slug: str
    title: str
    summary: str
    language: str
    modules: list[ModuleSpec]
    exercises: dict[str, ExerciseSpec]
    media: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    translations: dict[str, TranslationSpec] = field(default_factory=dict)


@dataclass
class LoadReport:
    programme: Programme
    created: bool
    changed: bool
    counts: dict[str, int]

    def __str__(self) -> str:
        state = "created" if self.created else "updated" if self.changed else "unchanged"
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()) if v)
        return f"{self.programme.slug} v{self.programme.version}: {state}" + (
            f" ({parts})" if parts else ""
        )


def digest(value: Any) -> str:
    return hashlib.sha256(
        json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


# --- reading and validating --------------------------------------------------------------------


class _Reader:
    # programme.yaml keys besides the pack's own (a translation's review status)
    EXTRA_KEYS: tuple[str, ...] = ()

    def __init__(self, root: Path, shared_media: Path | None = None, prefix: str = ""):
        self.root = root.resolve()
        self.errors: list[PackError] = []
        self.media_used: set[str] = set()
        # A translation's illustrations may be the pack's own (content/translations.py).
        self.shared_media = shared_media.resolve() if shared_media else None
        self.prefix = prefix
        self.extra: dict[str, Any] = {}

    def error(self, file: str, line: int, message: str) -> None:
        self.errors.append(
            PackError(f"{self.prefix}/{file}" if self.prefix else file, line, message)
        )

    def path(self, relative: Any, file: str, line: int) -> Path | None:
        if not isinstance(relative, str) or not relative.strip():
            self.error(file, line, "a file path is required here")
            return None
        target = (self.root / relative).resolve()
        if self.root not in target.parents:
            self.error(file, line, f"'{relative}' points outside the pack")
            return None
        if not target.is_file():
            self.error(file, line, f"file '{relative}' does not exist")
            return None
        return target

    def yaml_file(self, relative: str, file: str = "", line: int = 0) -> tuple[Any, str]:
        target = self.path(relative, file or relative, line)
        if target is None:
            return None, relative
        try:
            text = target.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.error(relative, 0, "is not UTF-8 text")
            return None, relative
        try:
            return yaml.load(text, Loader=_LineLoader), relative  # noqa: S506 - SafeLoader subclass
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            self.error(relative, mark.line + 1 if mark else 0, f"YAML syntax: {exc.problem}")
        except yaml.YAMLError as exc:
            self.error(relative, 0, f"YAML syntax: {exc}")
        return None, relative

    # field helpers ---------------------------------------------------------------------------

    def text(self, data: dict, key: str, file: str, *, required=True, max_length=200) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(file, data.line, f"'{key}' is required")
            return ""
        if not isinstance(value, str):
            self.error(file, data.line_of(key), f"'{key}' must be text")
            return ""
        if len(value) > max_length:
            self.error(file, data.line_of(key), f"'{key}' is longer than {max_length} characters")
        return value.strip()

    def slug(self, data: dict, file: str) -> str:
        value = self.text(data, "slug", file, max_length=80)
        if value and not SLUG.match(value):
            self.error(
                file, data.line_of("slug"), f"slug '{value}' must be lower-case words joined by '-'"
            )
        return value

    def mapping(self, value: Any, file: str, line: int, what: str) -> Located | None:
        if not isinstance(value, Located):
            self.error(file, line, f"{what} must be a mapping of keys to values")
            return None
        return value

    def unknown_keys(self, data: dict, allowed: set[str], file: str) -> None:
        for key in data:
            if key not in allowed:
                self.error(
                    file,
                    data.line_of(key),
                    f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})",
                )

    def media(self, data: dict, key: str, file: str, extensions: set[str], required=True) -> str:
        name = data.get(key)
        line = data.line_of(key)
        if name is None and not required:
            return ""
        if not isinstance(name, str) or not name.strip():
            self.error(file, line, f"'{key}' must name a file in media/")
            return ""
        if Path(name).suffix.lower() not in extensions:
            self.error(file, line, f"'{name}' must be one of {', '.join(sorted(extensions))}")
            return ""
        shared = self.shared_media
        if not (self.root / "media" / name).is_file() and shared and (shared / name).is_file():
            if shared not in (shared / name).resolve().parents:
                self.error(file, line, f"'{name}' points outside the pack")
                return ""
            return name
        if self.path(f"media/{name}", file, line) is None:
            return ""
        self.media_used.add(name)
        return name

    # the pack --------------------------------------------------------------------------------

    def read(self) -> PackSpec | None:
        if not self.root.is_dir():
            self.error(str(self.root), 0, "is not a folder")
            return None
        data, file = self.yaml_file("programme.yaml")
        if data is None:
            return None
        data = self.mapping(data, file, 1, "programme.yaml")
        if data is None:
            return None
        self.unknown_keys(
            data,
            {"slug", "title", "summary", "language", "exercises", "modules", *self.EXTRA_KEYS},
            file,
        )
        self.extra = {key: data.get(key) for key in self.EXTRA_KEYS}
        slug = self.slug(data, file)
        title = self.text(data, "title", file)
        summary = self.text(data, "summary", file, required=False, max_length=2000)
        language = self.text(data, "language", file, required=False, max_length=10) or "en"
        exercises = self.read_exercises(data.get("exercises"), file, data.line)
        modules_list = data.get("modules")
        modules: list[ModuleSpec] = []
        if not isinstance(modules_list, list) or not modules_list:
            self.error(file, data.line, "'modules' must list at least one module file")
        else:
            seen: set[str] = set()
            for entry in modules_list:
                module = self.read_module(
                    entry, file, getattr(modules_list, "line", data.line), exercises
                )
                if module is None:
                    continue
                if module.slug in seen:
                    self.error(file, modules_list.line, f"module '{module.slug}' appears twice")
                seen.add(module.slug)
                modules.append(module)
        media = self.read_media()
        if self.errors:
            return None
        return PackSpec(slug, title, summary, language, modules, exercises, media)

    def read_media(self) -> dict[str, tuple[str, bytes]]:
        folder = self.root / "media"
        result = {}
        if not folder.is_dir():
            return result
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            kind = MEDIA_TYPES.get(path.suffix.lower())
            if kind is None:
                self.error(f"media/{path.name}", 0, "unsupported media type")
                continue
            if path.stat().st_size > MAX_MEDIA_BYTES:
                self.error(f"media/{path.name}", 0, "is larger than 20 MB")
                continue
            data = path.read_bytes()
            if path.suffix.lower() == ".svg" and re.search(rb"<script|on[a-z]+\s*=", data, re.I):
                self.error(f"media/{path.name}", 0, "SVG may not contain scripts or event handlers")
                continue
            result[path.name] = (kind, data)
        return result

    def read_exercises(self, relative: Any, file: str, line: int) -> dict[str, ExerciseSpec]:
        result: dict[str, ExerciseSpec] = {}
        if relative is None:
            return result
        data, ex_file = self.yaml_file(relative, file, line)
        if data is None:
            return result
        if not isinstance(data, list):
            self.error(ex_file, 1, "the exercise library must be a list of exercises")
            return result
        for item in data:
            item = self.mapping(item, ex_file, data.line, "an exercise")
            if item is None:
                continue
            self.unknown_keys(item, {"slug", "title", "intro", "fields"}, ex_file)
            slug = self.slug(item, ex_file)
            if slug in result:
                self.error(ex_file, item.line, f"exercise '{slug}' is defined twice")
            spec = ExerciseSpec(
                slug=slug,
                kind=Exercise.Kind.EXERCISE,
                title=self.text(item, "title", ex_file),
                intro_html=render_markdown(
                    self.text(item, "intro", ex_file, required=False, max_length=4000)
                ),
                fields=self.read_fields(item.get("fields"), ex_file, item.line),
            )
            result[slug] = spec
        return result

    def read_fields(self, fields: Any, file: str, line: int) -> list[dict]:
        if not isinstance(fields, list) or not fields:
            self.error(file, line, "'fields' must list at least one field")
            return []
        result, names = [], set()
        for item in fields:
            item = self.mapping(item, file, fields.line, "a field")
            if item is None:
                continue
            self.unknown_keys(
                item,
                {"name", "type", "label", "help", "required", "max_length", "min", "max",
                 "min_label", "max_label", "options", "takeaway"},
                file,
            )  # fmt: skip
            name = item.get("name")
            if not isinstance(name, str) or not FIELD_NAME.match(name):
                self.error(file, item.line, "'name' must be lower-case letters, digits and '_'")
                continue
            if name in names:
                self.error(file, item.line, f"field '{name}' appears twice")
            names.add(name)
            kind = item.get("type")
            if kind not in FIELD_TYPES:
                self.error(file, item.line, f"'type' must be one of {', '.join(FIELD_TYPES)}")
                continue
            spec = {
                "name": name,
                "type": kind,
                "label": self.text(item, "label", file, max_length=300),
                "help": self.text(item, "help", file, required=False, max_length=500),
                "required": bool(item.get("required", False)),
                "takeaway": bool(item.get("takeaway", False)),
            }
            if kind == "text":
                max_length = item.get("max_length", 2000)
                if not isinstance(max_length, int) or not 1 <= max_length <= MAX_TEXT_LENGTH:
                    self.error(file, item.line, f"'max_length' must be 1 to {MAX_TEXT_LENGTH}")
                    max_length = 2000
                spec["max_length"] = max_length
            elif kind == "scale":
                low, high = item.get("min", 0), item.get("max", 10)
                if not (isinstance(low, int) and isinstance(high, int) and low < high <= 100):
                    self.error(file, item.line, "'min' and 'max' must be whole numbers, min < max")
                    low, high = 0, 10
                spec |= {
                    "min": low,
                    "max": high,
                    "min_label": self.text(item, "min_label", file, required=False),
                    "max_label": self.text(item, "max_label", file, required=False),
                }
            else:
                spec["options"] = self.read_options(item, file)
            result.append(spec)
        return result

    def read_options(self, item: Located, file: str) -> list[dict]:
        options = item.get("options")
        if not isinstance(options, list) or len(options) < 2:
            self.error(file, item.line, "'options' must list at least two choices")
            return []
        result, values = [], set()
        for option in options:
            if isinstance(option, str):
                label = option.strip()
                value = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60]
            elif isinstance(option, Located) and set(option) == {"value", "label"}:
                value, label = str(option["value"]), str(option["label"])
            else:
                self.error(file, item.line, "an option is text, or 'value' and 'label'")
                continue
            if not value or value in values:
                self.error(file, item.line, f"option '{label}' is empty or appears twice")
                continue
            values.add(value)
            result.append({"value": value, "label": label})
        return result

    def read_module(self, relative: Any, file: str, line: int, exercises) -> ModuleSpec | None:
        data, mod_file = (
            self.yaml_file(relative, file, line) if isinstance(relative, str) else (None, file)
        )
        if not isinstance(relative, str):
            self.error(file, line, "each module is a path to a YAML file")
        if data is None:
            return None
        data = self.mapping(data, mod_file, 1, "a module")
        if data is None:
            return None
        self.unknown_keys(
            data, {"slug", "title", "summary", "key_points", "try_this_week", "pages"}, mod_file
        )
        slug = self.slug(data, mod_file)
        key_points = data.get("key_points") or []
        if not isinstance(key_points, list) or not all(isinstance(k, str) for k in key_points):
            self.error(mod_file, data.line, "'key_points' must be a list of short texts")
            key_points = []
        pages: list[PageSpec] = []
        raw_pages = data.get("pages")
        if not isinstance(raw_pages, list) or not raw_pages:
            self.error(mod_file, data.line, "'pages' must list at least one page")
            raw_pages = []
        seen: set[str] = set()
        for raw in raw_pages:
            raw = self.mapping(raw, mod_file, raw_pages.line, "a page")
            if raw is None:
                continue
            self.unknown_keys(raw, {"slug", "title", "blocks"}, mod_file)
            page_slug = self.slug(raw, mod_file)
            if page_slug in seen:
                self.error(mod_file, raw.line, f"page '{page_slug}' appears twice")
            seen.add(page_slug)
            blocks = self.read_blocks(
                raw.get("blocks"), mod_file, raw.line, exercises, f"{slug}--{page_slug}"
            )
            pages.append(PageSpec(page_slug, self.text(raw, "title", mod_file), blocks))
        return ModuleSpec(
            slug=slug,
            title=self.text(data, "title", mod_file),
            summary=self.text(data, "summary", mod_file, required=False, max_length=2000),
            key_points=[k.strip() for k in key_points],
            try_this_week=self.text(
                data, "try_this_week", mod_file, required=False, max_length=2000
            ),
            pages=pages,
        )

    def markdown_of(self, block: Located, file: str) -> str:
        if "file" in block:
            target = self.path(block["file"], file, block.line_of("file"))
            if target is None:
                return ""
            return render_markdown(target.read_text(encoding="utf-8"))
        return render_markdown(self.text(block, "markdown", file, max_length=20000))

    def read_blocks(self, blocks: Any, file: str, line: int, exercises, prefix: str) -> list[dict]:
        if not isinstance(blocks, list) or not blocks:
            self.error(file, line, "'blocks' must list at least one block")
            return []
        result = []
        for number, block in enumerate(blocks, start=1):
            block = self.mapping(block, file, blocks.line, "a block")
            if block is None:
                continue
            kind = block.get("type")
            if kind not in BLOCK_TYPES:
                self.error(
                    file,
                    block.line_of("type"),
                    f"block 'type' must be one of {', '.join(BLOCK_TYPES)}",
                )
                continue
            if kind == "text":
                self.unknown_keys(block, {"type", "markdown", "file"}, file)
                result.append({"type": "text", "html": self.markdown_of(block, file)})
            elif kind == "image":
                self.unknown_keys(block, {"type", "src", "alt", "caption"}, file)
                result.append({
                    "type": "image",
                    "src": self.media(block, "src", file, IMAGE_EXT),
                    "alt": self.text(block, "alt", file, max_length=500),
                    "caption": self.text(block, "caption", file, required=False, max_length=500),
                })  # fmt: skip
            elif kind in ("audio", "video"):
                allowed = {"type", "title", "src", "transcript", "transcript_file"}
                if kind == "video":
                    allowed.add("captions")
                self.unknown_keys(block, allowed, file)
                transcript = ""
                if "transcript_file" in block:
                    target = self.path(block["transcript_file"], file, block.line)
                    transcript = (
                        render_markdown(target.read_text(encoding="utf-8")) if target else ""
                    )
                else:
                    transcript = render_markdown(
                        self.text(block, "transcript", file, max_length=20000)
                    )
                item = {
                    "type": kind,
                    "title": self.text(block, "title", file),
                    "transcript_html": transcript,
                    "src": self.media(
                        block, "src", file, AUDIO_EXT if kind == "audio" else VIDEO_EXT,
                        required=kind == "video",
                    ),
                }  # fmt: skip
                if kind == "video":
                    item["captions"] = self.media(block, "captions", file, {".vtt"})
                result.append(item)
            elif kind == "exercise":
                self.unknown_keys(block, {"type", "exercise"}, file)
                slug = block.get("exercise")
                if slug not in exercises:
                    self.error(
                        file,
                        block.line_of("exercise"),
                        f"exercise '{slug}' is not in the exercise library",
                    )
                    continue
                result.append({"type": "exercise", "exercise": slug})
            elif kind == "reflection":
                self.unknown_keys(block, {"type", "prompt", "takeaway"}, file)
                prompt = self.text(block, "prompt", file, max_length=500)
                slug = f"{prefix}--reflection-{number}"
                exercises[slug] = ExerciseSpec(
                    slug=slug,
                    kind=Exercise.Kind.REFLECTION,
                    title=prompt[:200],
                    intro_html="",
                    fields=[{
                        "name": "reflection", "type": "text", "label": prompt, "help": "",
                        "required": True, "takeaway": bool(block.get("takeaway", False)),
                        "max_length": 2000,
                    }],
                )  # fmt: skip
                result.append({"type": "reflection", "exercise": slug, "prompt": prompt})
            elif kind == "key_points":
                self.unknown_keys(block, {"type", "items"}, file)
                items = block.get("items")
                if (
                    not isinstance(items, list)
                    or not items
                    or not all(isinstance(i, str) for i in items)
                ):
                    self.error(file, block.line, "'items' must list at least one short text")
                    continue
                result.append({"type": "key_points", "items": [i.strip() for i in items]})
        return result


class _TranslationReader(_Reader):
    EXTRA_KEYS = ("review_status", "reviewed_by")


def pack_read(path: str | Path) -> PackSpec:
    """Parse and validate a pack folder and its translations. Raises PackInvalid listing every
    problem found."""
    reader = _Reader(Path(path))
    spec = reader.read()
    if spec is None or reader.errors:
        raise PackInvalid(reader.errors or [PackError(str(path), 0, "could not be read")])
    errors: list[PackError] = []
    spec.translations = read_translations(reader.root, spec, _TranslationReader, errors)
    if errors:
        raise PackInvalid(errors)
    return spec


# --- writing -----------------------------------------------------------------------------------


def _upsert_versioned(model, lookup: dict, values: dict, content: Any, counts: dict, key: str):
    """Create or update one row matched by ``lookup``; bump ``version`` when ``content`` changed."""
    content_hash = digest(content)
    row = model.objects.filter(**lookup).first()
    if row is None:
        row = model.objects.create(**lookup, **values, content_hash=content_hash)
        counts[f"{key} created"] = counts.get(f"{key} created", 0) + 1
        return row
    changed = row.content_hash != content_hash or any(
        getattr(row, name) != value for name, value in values.items()
    )
    if not changed:
        return row
    for name, value in values.items():
        setattr(row, name, value)
    if row.content_hash != content_hash:
        row.version += 1
        row.content_hash = content_hash
    row.save(update_fields=[*values, "version", "content_hash", "updated_at"])
    counts[f"{key} updated"] = counts.get(f"{key} updated", 0) + 1
    return row


def pack_apply(spec: PackSpec) -> LoadReport:
    """Write a validated pack. Idempotent: the same pack twice changes nothing the second time.

    Rows are read in the pack's own language, so none is shown (and written back) translated."""
    with translation.override(spec.language):
        return _pack_apply(spec)


@transaction.atomic
def _pack_apply(spec: PackSpec) -> LoadReport:
    whole = digest({
        "title": spec.title, "summary": spec.summary, "language": spec.language,
        "modules": [m.__dict__ | {"pages": [p.__dict__ for p in m.pages]} for m in spec.modules],
        "exercises": {k: v.__dict__ for k, v in spec.exercises.items()},
        "media": {k: hashlib.sha256(v[1]).hexdigest() for k, v in spec.media.items()},
        "translations": {k: t.summary() for k, t in spec.translations.items()},
    })  # fmt: skip
    programme = Programme.objects.select_for_update().filter(slug=spec.slug).first()
    created = programme is None
    counts: dict[str, int] = {}
    if programme is None:
        programme = Programme.objects.create(
            slug=spec.slug, title=spec.title, summary=spec.summary, language=spec.language,
            content_hash=whole,
        )  # fmt: skip
        return _first_load(programme, spec)
    if programme.content_hash == whole:
        return LoadReport(programme, created=False, changed=False, counts=counts)
    else:
        programme.title, programme.summary, programme.language = (
            spec.title,
            spec.summary,
            spec.language,
        )
        programme.version += 1
        programme.content_hash = whole
        programme.save(
            update_fields=["title", "summary", "language", "version", "content_hash", "updated_at"]
        )

    # media: replace changed files, drop files no longer in the pack (nothing of a patient's
    # points at a file)
    existing = {m.name: m for m in programme.media.all()}
    for name, (kind, data) in _all_media(spec).items():
        sha = hashlib.sha256(data).hexdigest()
        row = existing.pop(name, None)
        if row is None:
            MediaAsset.objects.create(
                programme=programme, name=name, content_type=kind, data=data, sha256=sha
            )
        elif row.sha256 != sha:
            row.data, row.sha256, row.content_type = data, sha, kind
            row.save(update_fields=["data", "sha256", "content_type", "updated_at"])
    if existing:
        MediaAsset.objects.filter(pk__in=[m.pk for m in existing.values()]).delete()

    for slug, exercise in spec.exercises.items():
        _upsert_versioned(
            Exercise,
            {"programme": programme, "slug": slug},
            {"kind": exercise.kind, "title": exercise.title, "intro_html": exercise.intro_html,
             "fields": exercise.fields, "retired": False},
            [exercise.title, exercise.intro_html, exercise.fields],
            counts, "exercises",
        )  # fmt: skip
    counts["exercises retired"] = (
        Exercise.objects.filter(programme=programme, retired=False)
        .exclude(slug__in=list(spec.exercises))
        .update(retired=True)
    )

    kept_modules = []
    for position, module_spec in enumerate(spec.modules, start=1):
        values = {
            "position": position, "title": module_spec.title, "summary": module_spec.summary,
            "key_points": module_spec.key_points, "try_this_week": module_spec.try_this_week,
            "retired": False,
        }  # fmt: skip
        module, made = Module.objects.update_or_create(
            programme=programme, slug=module_spec.slug, defaults=values
        )
        counts["modules created" if made else "modules updated"] = (
            counts.get("modules created" if made else "modules updated", 0) + 1
        )
        kept_modules.append(module.pk)
        kept_pages = []
        for page_position, page_spec in enumerate(module_spec.pages, start=1):
            page = _upsert_versioned(
                Page,
                {"module": module, "slug": page_spec.slug},
                {"position": page_position, "title": page_spec.title, "blocks": page_spec.blocks,
                 "retired": False},
                [page_spec.title, page_spec.blocks],
                counts, "pages",
            )  # fmt: skip
            kept_pages.append(page.pk)
        counts["pages retired"] = counts.get("pages retired", 0) + (
            Page.objects.filter(module=module, retired=False)
            .exclude(pk__in=kept_pages)
            .update(retired=True)
        )
    counts["modules retired"] = (
        Module.objects.filter(programme=programme, retired=False)
        .exclude(pk__in=kept_modules)
        .update(retired=True)
    )
    Page.objects.filter(module__programme=programme, module__retired=True).update(retired=True)
    _apply_translations(programme, spec, counts)
    return LoadReport(programme, created=created, changed=True, counts=counts)


def _all_media(spec: PackSpec) -> dict[str, tuple[str, bytes]]:
    media = dict(spec.media)
    for translated in spec.translations.values():
        media.update(translated.media)
    return media


def _apply_translations(programme: Programme, spec: PackSpec, counts: dict) -> None:
    """Each row's ``translations``: what every language says of it (content/translations.py).
    Written with ``update()``: a row read while a language is active shows that language."""
    languages = spec.translations
    Programme.objects.filter(pk=programme.pk).update(
        translations={code: t.programme for code, t in languages.items()},
        translation_status={
            code: {"status": t.review_status, "reviewed_by": t.reviewed_by}
            for code, t in languages.items()
        },
    )
    for module in Module.objects.filter(programme=programme).only("pk", "slug"):
        Module.objects.filter(pk=module.pk).update(translations={
            code: t.modules[module.slug] for code, t in languages.items() if module.slug in t.modules
        })  # fmt: skip
        for page in Page.objects.filter(module=module).only("pk", "slug"):
            key = (module.slug, page.slug)
            Page.objects.filter(pk=page.pk).update(translations={
                code: t.pages[key] for code, t in languages.items() if key in t.pages
            })  # fmt: skip
    for exercise in Exercise.objects.filter(programme=programme).only("pk", "slug"):
        Exercise.objects.filter(pk=exercise.pk).update(translations={
            code: t.exercises[exercise.slug]
            for code, t in languages.items()
            if exercise.slug in t.exercises
        })  # fmt: skip
    counts["translations"] = len(languages)


def _first_load(programme: Programme, spec: PackSpec) -> LoadReport:
    """A programme new to this database: everything in a handful of bulk INSERTs."""
    MediaAsset.objects.bulk_create(
        MediaAsset(
            programme=programme, name=name, content_type=kind, data=data,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        for name, (kind, data) in _all_media(spec).items()
    )  # fmt: skip
    Exercise.objects.bulk_create(
        Exercise(
            programme=programme, slug=slug, kind=e.kind, title=e.title, intro_html=e.intro_html,
            fields=e.fields, content_hash=digest([e.title, e.intro_html, e.fields]),
        )
        for slug, e in spec.exercises.items()
    )  # fmt: skip
    modules = Module.objects.bulk_create(
        Module(
            programme=programme, slug=m.slug, position=position, title=m.title,
            summary=m.summary, key_points=m.key_points, try_this_week=m.try_this_week,
        )
        for position, m in enumerate(spec.modules, start=1)
    )  # fmt: skip
    pages = Page.objects.bulk_create(
        Page(
            module=module, slug=p.slug, position=position, title=p.title, blocks=p.blocks,
            content_hash=digest([p.title, p.blocks]),
        )
        for module, m in zip(modules, spec.modules, strict=True)
        for position, p in enumerate(m.pages, start=1)
    )  # fmt: skip
    counts = {
        "exercises created": len(spec.exercises),
        "modules created": len(modules),
        "pages created": len(pages),
    }
    _apply_translations(programme, spec, counts)
    return LoadReport(programme, created=True, changed=True, counts=counts)


def pack_load(path: str | Path) -> LoadReport:
    return pack_apply(pack_read(path))


def media_type_for(name: str) -> str:
    return MEDIA_TYPES.get(Path(name).suffix.lower()) or mimetypes.guess_type(name)[0] or ""
