"""Programme content in other languages: read, checked against the pack, and shown.

A pack may carry translations beside its own files::

    translations/<language>/programme.yaml   title, summary, language, review_status, ...
    translations/<language>/exercises.yaml   the same exercises, slugs and field names
    translations/<language>/modules/*.yaml   the same modules and pages (a page may be missing)
    translations/<language>/pages/*.md
    translations/<language>/media/*          only illustrations whose words differ

Each translation is read with the pack's own reader (the same validation, file and line in every
message) and then held against the pack: every module, page and exercise it has must exist there,
with the same blocks in the same order, the same exercises and fields, and as many options in the
same places. Option values come from the pack, by position, so an answer given in Danish is stored
exactly as the same answer in English, and progress and answers stay attached to the same page
whatever the reader's language. A page the translation lacks is shown in the pack's language, and
the page says so.

``review_status`` is ``draft`` or ``reviewed`` (by a clinician, who is named). Clinicians see it
wherever they choose a programme for a patient; it is never assumed.

The translated text is kept on the rows themselves (``translations[<language>]``) and swapped in
when a row is read while that language is active (:func:`localise`, connected to ``post_init``),
so every page that shows content shows it in the reader's language without asking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models.signals import post_init
from django.utils import translation

REVIEW_STATUSES = ("draft", "reviewed")
# The fields each model shows that a translation replaces.
TRANSLATED_FIELDS = {
    "Programme": ("title", "summary"),
    "Module": ("title", "summary", "key_points", "try_this_week"),
    "Page": ("title", "blocks"),
    "Exercise": ("title", "intro_html", "fields"),
}
# Block keys a translation may change; everything else must be the pack's.
BLOCK_TEXT = {"html", "alt", "caption", "title", "transcript_html", "prompt", "items"}


@dataclass
class TranslationSpec:
    language: str
    review_status: str
    reviewed_by: str
    programme: dict
    modules: dict[str, dict] = field(default_factory=dict)  # module slug -> fields
    pages: dict[tuple[str, str], dict] = field(default_factory=dict)  # (module, page) -> fields
    exercises: dict[str, dict] = field(default_factory=dict)  # exercise slug -> fields
    media: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    def summary(self) -> dict:
        """What the digest of a pack takes from its translations."""
        return {
            "review_status": self.review_status,
            "reviewed_by": self.reviewed_by,
            "programme": self.programme,
            "modules": self.modules,
            "pages": {f"{m}/{p}": v for (m, p), v in self.pages.items()},
            "exercises": self.exercises,
            "media": sorted(self.media),
        }


def media_name(language: str, name: str) -> str:
    """The stored name of a translation's own illustration."""
    return f"{language}.{name}"


def read_translations(root: Path, base, reader_class, errors: list) -> dict[str, TranslationSpec]:
    """Every ``translations/<language>/`` folder of the pack at ``root``, checked against
    ``base`` (the pack's PackSpec). Problems go to ``errors`` with their file and line."""
    folder = root / "translations"
    result: dict[str, TranslationSpec] = {}
    if not folder.is_dir():
        return result
    languages = {code for code, _ in settings.LANGUAGES}
    for path in sorted(folder.iterdir()):
        if not path.is_dir() or path.name.startswith("."):
            continue
        where = f"translations/{path.name}"
        if path.name not in languages or path.name == base.language:
            errors.append(_error(where, 0, f"'{path.name}' is not a language this site offers"))
            continue
        reader = reader_class(path, shared_media=root / "media", prefix=where)
        spec = reader.read()
        errors.extend(reader.errors)
        if spec is None:
            continue
        translated = _align(base, spec, reader.extra, where, errors)
        if translated is not None:
            result[path.name] = translated
    return result


def _error(file: str, line: int, message: str):
    from content.loader import PackError

    return PackError(file, line, message)


def _align(base, spec, extra: dict, where: str, errors: list) -> TranslationSpec | None:
    count = len(errors)

    def problem(message: str) -> None:
        errors.append(_error(where, 0, message))

    if spec.slug != base.slug:
        problem(f"slug '{spec.slug}' is not the pack's '{base.slug}'")
    if spec.language != Path(where).name:
        problem(f"'language' must be '{Path(where).name}', the folder's name")
    status = extra.get("review_status")
    if status not in REVIEW_STATUSES:
        problem(f"'review_status' must be one of {', '.join(REVIEW_STATUSES)}")
    reviewed_by = extra.get("reviewed_by") or ""
    if status == "reviewed" and not str(reviewed_by).strip():
        problem("a reviewed translation names its reviewer ('reviewed_by')")
    result = TranslationSpec(
        language=spec.language,
        review_status=status or "draft",
        reviewed_by=str(reviewed_by).strip(),
        programme={"title": spec.title, "summary": spec.summary},
        media={media_name(spec.language, name): value for name, value in spec.media.items()},
    )
    base_exercises = base.exercises
    for slug, exercise in spec.exercises.items():
        original = base_exercises.get(slug)
        if original is None:
            problem(f"exercise '{slug}' is not in the pack")
            continue
        fields = _align_fields(original.fields, exercise.fields, f"exercise '{slug}'", problem)
        if fields is not None:
            result.exercises[slug] = {
                "title": exercise.title,
                "intro_html": exercise.intro_html,
                "fields": fields,
            }
    base_modules = {m.slug: m for m in base.modules}
    for module in spec.modules:
        original = base_modules.get(module.slug)
        if original is None:
            problem(f"module '{module.slug}' is not in the pack")
            continue
        if len(module.key_points) != len(original.key_points):
            problem(f"module '{module.slug}' has {len(module.key_points)} key points, not "
                    f"{len(original.key_points)}")  # fmt: skip
        result.modules[module.slug] = {
            "title": module.title,
            "summary": module.summary,
            "key_points": module.key_points,
            "try_this_week": module.try_this_week,
        }
        base_pages = {p.slug: p for p in original.pages}
        for page in module.pages:
            base_page = base_pages.get(page.slug)
            if base_page is None:
                problem(f"page '{module.slug}/{page.slug}' is not in the pack")
                continue
            blocks = _align_blocks(
                base_page.blocks, page.blocks, f"page '{module.slug}/{page.slug}'", problem,
                spec.language, set(spec.media),
            )  # fmt: skip
            if blocks is not None:
                result.pages[(module.slug, page.slug)] = {"title": page.title, "blocks": blocks}
    return result if len(errors) == count else None


def _align_fields(original: list, translated: list, what: str, problem) -> list | None:
    if [(f["name"], f["type"]) for f in translated] != [(f["name"], f["type"]) for f in original]:
        problem(f"{what}: the fields differ from the pack's (names, types or order)")
        return None
    result = []
    for mine, theirs in zip(translated, original, strict=True):
        aligned = dict(theirs)
        for key in ("label", "help", "min_label", "max_label"):
            if key in mine:
                aligned[key] = mine[key]
        if "options" in theirs:
            if len(mine.get("options", [])) != len(theirs["options"]):
                problem(f"{what}: field '{theirs['name']}' has {len(mine.get('options', []))} "
                        f"options, not {len(theirs['options'])}")  # fmt: skip
                return None
            # The pack's values, the translation's labels: answers are stored the same way.
            aligned["options"] = [
                {"value": base["value"], "label": option["label"]}
                for base, option in zip(theirs["options"], mine["options"], strict=True)
            ]
        result.append(aligned)
    return result


def _align_blocks(original, translated, what, problem, language, own_media) -> list | None:
    if [b["type"] for b in translated] != [b["type"] for b in original]:
        problem(f"{what}: the blocks differ from the pack's (types or order)")
        return None
    result = []
    for mine, theirs in zip(translated, original, strict=True):
        block = dict(theirs)
        if mine.get("exercise") != theirs.get("exercise") and theirs["type"] == "exercise":
            problem(f"{what}: exercise '{mine.get('exercise')}' is not the pack's "
                    f"'{theirs.get('exercise')}'")  # fmt: skip
            return None
        if mine.get("src", "") != theirs.get("src", ""):
            problem(f"{what}: '{mine.get('src')}' is not the pack's '{theirs.get('src')}'")
            return None
        if theirs["type"] == "key_points" and len(mine["items"]) != len(theirs["items"]):
            problem(f"{what}: a key-points block has {len(mine['items'])} items, not "
                    f"{len(theirs['items'])}")  # fmt: skip
            return None
        for key in BLOCK_TEXT & set(mine):
            block[key] = mine[key]
        if block.get("src") and block["src"] in own_media:
            block["src"] = media_name(language, block["src"])
        result.append(block)
    return result


# --- showing -----------------------------------------------------------------------------------


def localise(sender, instance, **kwargs) -> None:
    """Swap in the active language's text when a content row is read (``post_init``).

    ``instance.shown_language`` is the language it now shows in, or None for the pack's own. A
    localised row refuses to be saved (its text is not the pack's): write through the loader."""
    instance.shown_language = None
    language = translation.get_language()
    if not language or "translations" in instance.get_deferred_fields():
        return
    translated = (instance.translations or {}).get(language)
    if not translated:
        return
    fields = TRANSLATED_FIELDS[sender.__name__]
    deferred = instance.get_deferred_fields()
    instance._pack_text = {name: getattr(instance, name) for name in fields if name not in deferred}
    for name in instance._pack_text:
        if name in translated:
            setattr(instance, name, translated[name])
    instance.shown_language = language


def connect(*models) -> None:
    for model in models:
        post_init.connect(localise, sender=model, dispatch_uid=f"content.localise.{model.__name__}")


def language_versions(programme) -> list[dict]:
    """The programme's languages for a clinician: each with its review status."""
    from accounts.languages import NAMES

    rows = [{"code": programme.language, "name": NAMES.get(programme.language, programme.language),
             "status": "original", "reviewed_by": ""}]  # fmt: skip
    statuses = programme.translation_status or {}
    for code, state in sorted(statuses.items()):
        rows.append({"code": code, "name": NAMES.get(code, code), "status": state.get("status"),
                     "reviewed_by": state.get("reviewed_by", "")})  # fmt: skip
    return rows
