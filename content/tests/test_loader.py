"""Loading content packs: validation with file and line, idempotence, re-load in place."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from content import services
from content.loader import PackInvalid, pack_load, pack_read
from content.markdown_render import render_markdown
from content.models import (
    Exercise,
    ExerciseAnswer,
    MediaAsset,
    Module,
    Page,
    PageProgress,
    Programme,
)
from content.tests.conftest import PACK


@pytest.fixture
def pack_copy(tmp_path):
    target = tmp_path / "pack"
    shutil.copytree(PACK, target)
    return target


def test_the_programme_pack_has_seven_modules_each_with_three_pages_an_exercise_and_a_step(
    programme,
):
    modules = list(programme.modules.all())
    assert [m.slug for m in modules] == [
        "understanding-your-symptoms", "lifestyle", "stress-and-strain", "thoughts",
        "feelings", "values", "self-care-and-the-way-forward",
    ]  # fmt: skip
    for module in modules:
        pages = list(module.pages.all())
        assert len(pages) >= 3, module.slug
        assert module.key_points and module.try_this_week
        kinds = {b["type"] for p in pages for b in p.blocks}
        assert kinds & {"exercise", "reflection"}, module.slug
    types = {b["type"] for p in Page.objects.all() for b in p.blocks}
    assert {"text", "image", "audio", "exercise", "reflection", "key_points"} <= types
    svgs = MediaAsset.objects.filter(content_type="image/svg+xml")
    assert svgs.exclude(name__regex=r"^(da|nb)\.").count() == 4  # and their translated words


def test_loading_twice_changes_nothing(programme):
    before = {p.pk: (p.version, p.updated_at) for p in Page.objects.all()}
    report = pack_load(PACK)
    assert not report.changed and report.programme.version == 1
    assert {p.pk: (p.version, p.updated_at) for p in Page.objects.all()} == before
    assert Programme.objects.count() == 1


def test_command_loads_and_reports(db):
    out = StringIO()
    call_command("load_programme", str(PACK), stdout=out)
    assert "persistent-symptoms v1: created" in out.getvalue()


def test_a_broken_pack_names_file_and_line_and_changes_nothing(programme, pack_copy):
    module = pack_copy / "modules" / "02-lifestyle.yaml"
    text = module.read_text().replace("exercise: finding-my-baseline", "exercise: no-such-exercise")
    text = text.replace("title: Sleep\n", "title: Sleep\n    colour: red\n")
    module.write_text(text)
    (pack_copy / "modules" / "01-understanding.yaml").write_text("slug: [unclosed\n")
    with pytest.raises(PackInvalid) as caught:
        pack_load(pack_copy)
    messages = [str(e) for e in caught.value.errors]
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "no-such-exercise" in row)
    assert (
        f"modules/02-lifestyle.yaml:{line}: exercise 'no-such-exercise' is not in the exercise library"
        in messages
    )
    assert any(
        m.startswith("modules/02-lifestyle.yaml:") and "unknown key 'colour'" in m for m in messages
    )
    assert any(m.startswith("modules/01-understanding.yaml:2: YAML syntax") for m in messages)
    assert Page.objects.filter(module__slug="lifestyle").count() == 3
    assert Programme.objects.get().version == 1


def test_the_command_lists_problems_and_fails(db, pack_copy):
    (pack_copy / "exercises.yaml").write_text("- slug: Bad Slug\n  title: x\n  fields: []\n")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("load_programme", str(pack_copy), stderr=err)
    assert "exercises.yaml:1: slug 'Bad Slug'" in err.getvalue()
    assert "exercises.yaml:1: 'fields' must list at least one field" in err.getvalue()
    assert Programme.objects.count() == 0


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda t: t.replace("src: body-alarm.svg", "src: missing.svg"),
            "file 'media/missing.svg' does not exist",
        ),
        (
            lambda t: t.replace("file: pages/understanding-real.md", "file: ../../../etc/passwd"),
            "points outside the pack",
        ),
        (
            lambda t: t.replace(
                "        alt: A simple figure", "        caption2: A simple figure"
            ),
            "'alt' is required",
        ),
        (lambda t: t.replace("type: key_points", "type: carousel"), "block 'type' must be one of"),
    ],
)
def test_bad_blocks_are_refused(db, pack_copy, edit, expected):
    path = pack_copy / "modules" / "01-understanding.yaml"
    path.write_text(edit(path.read_text()))
    with pytest.raises(PackInvalid) as caught:
        pack_read(pack_copy)
    assert any(expected in str(e) for e in caught.value.errors), caught.value.errors


def test_an_svg_with_a_script_is_refused(db, pack_copy):
    (pack_copy / "media" / "evil.svg").write_text('<svg onload="alert(1)"></svg>')
    with pytest.raises(PackInvalid, match="media/evil.svg: SVG may not contain scripts"):
        pack_read(pack_copy)


def test_reload_updates_in_place_and_keeps_progress_and_answers(
    programme, pack_copy, enrolment, patient
):
    page = Page.objects.get(slug="the-symptom-cycle")
    exercise = Exercise.objects.get(slug="my-symptom-cycle")
    services.page_complete(enrolment=enrolment, page=page, by=patient)
    answer = services.answer_save(
        enrolment=enrolment, exercise=exercise, data={"situation": "at work"}, by=patient,
        submit=True, page=page,
    )  # fmt: skip
    assert answer.exercise_version == 1
    # Edit the page text and the exercise, drop a page, and load again.
    md = pack_copy / "pages" / "understanding-cycle.md"
    md.write_text(md.read_text() + "\nA new closing line.\n")
    ex = pack_copy / "exercises.yaml"
    ex.write_text(ex.read_text().replace("What was happening?", "What was going on?"))
    # The page goes from the Danish and Norwegian versions too: a translation holds only pages
    # the pack has.
    for mod in [pack_copy / "modules" / "04-thoughts.yaml",
                *(pack_copy / "translations").glob("*/modules/04-thoughts.yaml")]:  # fmt: skip
        text = mod.read_text()
        mod.write_text(
            text[: text.index("  - slug: thinking-traps")]
            + text[text.index("  - slug: taking-a-second-look") :]
        )
    report = pack_load(pack_copy)
    assert report.changed and report.programme.version == 2
    page.refresh_from_db()
    exercise.refresh_from_db()
    assert page.version == 2 and "A new closing line." in str(page.blocks)
    assert exercise.version == 2
    assert Page.objects.get(slug="thinking-traps").retired
    assert PageProgress.objects.get(enrolment=enrolment, page=page).completed_at is not None
    kept = ExerciseAnswer.objects.get(pk=answer.pk)
    assert kept.data == {"situation": "at work"} and kept.exercise_version == 1
    assert Module.objects.filter(programme=programme).count() == 7
    # A new answer records the new version.
    again = services.answer_save(
        enrolment=enrolment,
        exercise=exercise,
        data={"situation": "at home"},
        by=patient,
        submit=True,
    )
    assert again.exercise_version == 2


def test_markdown_is_rendered_and_sanitised():
    html = render_markdown(
        "**hi** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
        "\n\n[ok](https://example.org)"
    )
    assert "<strong>hi</strong>" in html
    assert "<script" not in html and "alert(1)</" not in html
    assert "javascript:" not in html and "onerror" not in html and "<img" not in html
    assert 'href="https://example.org"' in html
