"""Programme content in Danish and Norwegian: read with the pack's own validation, held against
the pack, shown in the reader's language with a clear fallback, answers and progress shared
across languages, and each version's review status in front of the clinician."""

import shutil

import pytest
import yaml
from django.urls import reverse
from django.utils import translation

from accounts.services import user_language_set
from content import services
from content.loader import PackInvalid, pack_load, pack_read
from content.models import Exercise, ExerciseAnswer, Page, PageProgress
from content.tests.conftest import PACK

BACKEND = "accounts.backends.EmailBackend"


def test_the_pack_carries_danish_and_norwegian_drafts():
    spec = pack_read(PACK)
    assert set(spec.translations) == {"da", "nb"}
    for language in ("da", "nb"):
        translated = spec.translations[language]
        assert translated.review_status == "draft"
        # Every module and page of the pack has its version; the texts differ from English.
        assert set(translated.modules) == {m.slug for m in spec.modules}
        pages = {(m.slug, p.slug) for m in spec.modules for p in m.pages}
        assert set(translated.pages) == pages
        english = {(m.slug, p.slug): p.title for m in spec.modules for p in m.pages}
        same = [key for key, value in translated.pages.items() if value["title"] == english[key]]
        assert not same, same


def test_options_keep_the_packs_values_whatever_the_labels():
    spec = pack_read(PACK)
    english = spec.exercises["my-symptom-picture"].fields[0]["options"]
    danish = spec.translations["da"].exercises["my-symptom-picture"]["fields"][0]["options"]
    assert [o["value"] for o in danish] == [o["value"] for o in english]
    assert [o["label"] for o in danish] != [o["label"] for o in english]


def _copy(tmp_path):
    target = tmp_path / "pack"
    shutil.copytree(PACK, target)
    return target


def _edit_yaml(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("what", "change", "message"),
    [
        ("blocks", lambda d: d["pages"][0]["blocks"].reverse(), "the blocks differ"),
        ("page", lambda d: d["pages"][0].update(slug="not-in-the-pack"), "is not in the pack"),
        ("key points", lambda d: d["key_points"].pop(), "key points, not"),
    ],
)
def test_a_translation_that_does_not_match_the_pack_is_refused_with_its_file(
    tmp_path, what, change, message
):
    pack = _copy(tmp_path)
    _edit_yaml(pack / "translations/da/modules/01-understanding.yaml", change)
    with pytest.raises(PackInvalid) as raised:
        pack_read(pack)
    assert message in str(raised.value)
    assert "translations/da" in str(raised.value)


def test_a_translation_must_say_its_review_status(tmp_path):
    pack = _copy(tmp_path)
    _edit_yaml(pack / "translations/nb/programme.yaml", lambda d: d.pop("review_status"))
    with pytest.raises(PackInvalid, match="review_status"):
        pack_read(pack)
    _edit_yaml(
        pack / "translations/nb/programme.yaml", lambda d: d.update(review_status="reviewed")
    )
    with pytest.raises(PackInvalid, match="names its reviewer"):
        pack_read(pack)


def test_an_option_count_that_differs_is_refused(tmp_path):
    pack = _copy(tmp_path)
    _edit_yaml(
        pack / "translations/da/exercises.yaml", lambda d: d[0]["fields"][0]["options"].pop()
    )
    with pytest.raises(PackInvalid, match="options, not"):
        pack_read(pack)


def test_rows_show_the_active_language_and_are_never_saved_translated(programme):
    page = Page.objects.get(slug="your-symptoms-are-real")
    english = page.title
    with translation.override("da"):
        danish = Page.objects.get(pk=page.pk)
        assert danish.shown_language == "da" and danish.title != english
        danish.save()  # e.g. an admin action while Danish is active
    assert Page.objects.get(pk=page.pk).title == english
    with translation.override("en"):
        assert Page.objects.get(pk=page.pk).shown_language is None


def test_loading_twice_changes_nothing_and_keeps_the_translations(programme):
    report = pack_load(PACK)
    assert not report.changed
    with translation.override("nb"):
        assert Page.objects.get(slug="your-symptoms-are-real").shown_language == "nb"


@pytest.fixture
def danish_patient(client, patient):
    user_language_set(user=patient, language="da")
    client.force_login(patient, backend=BACKEND)
    return client


def test_a_danish_patient_reads_danish_and_a_missing_page_says_it_is_english(
    danish_patient, programme
):
    page = Page.objects.get(slug="your-symptoms-are-real")
    with translation.override("da"):
        danish_title = Page.objects.get(pk=page.pk).title
    body = danish_patient.get(reverse("patient:programme_page", args=[page.pk])).content.decode()
    assert danish_title in body and "data-fallback" not in body
    Page.objects.filter(pk=page.pk).update(translations={})
    body = danish_patient.get(reverse("patient:programme_page", args=[page.pk])).content.decode()
    assert "data-fallback" in body
    assert 'lang="en"' in body  # the English text is marked as English for screen readers


def test_progress_and_answers_follow_the_page_across_languages(
    client, patient, workspace, programme
):
    enrolment = services.enrolment_start(workspace=workspace, programme=programme, by=patient)
    page = Page.objects.get(slug="your-symptoms-are-real")
    exercise = Exercise.objects.get(slug="my-symptom-picture")
    option = exercise.fields[0]["options"][0]["value"]
    client.force_login(patient, backend=BACKEND)
    user_language_set(user=patient, language="nb")
    response = client.post(
        reverse("patient:programme_page", args=[page.pk]),
        {"action": "answer", "exercise": exercise.slug, "symptoms": [option], "submit": "1"},
    )
    assert response.status_code in (200, 302)
    answer = ExerciseAnswer.objects.get(enrolment=enrolment, exercise=exercise)
    assert answer.data["symptoms"] == [option]
    user_language_set(user=patient, language="en")
    body = client.get(reverse("patient:programme_page", args=[page.pk])).content.decode()
    english_label = exercise.fields[0]["options"][0]["label"]
    assert english_label in body
    assert PageProgress.objects.filter(enrolment=enrolment, page=page).count() <= 1


def test_the_clinician_sees_each_language_versions_review_status(
    client, gp, gp_membership, workspace, programme
):
    client.force_login(gp, backend=BACKEND)

    body = client.get(
        reverse("clinician:programme_prescribe", args=[workspace.pk])
    ).content.decode()
    assert "Dansk" in body and "Norsk bokmål" in body
    assert body.count("Draft: not yet clinically reviewed") == 2
