"""The calm-breathing recording: generated from its transcript (make_audio.sh), loaded with the
pack, served with an audio content type, and played on the reader page next to the transcript."""

import os

import pytest
from django.urls import reverse

from content.models import Page
from content.tests.conftest import PACK

pytestmark = pytest.mark.django_db


def _audio_block(page):
    return next(block for block in page.blocks if block["type"] == "audio")


def test_the_breathing_exercise_has_a_generated_recording_and_its_script():
    script = PACK / "make_audio.sh"
    assert script.is_file() and os.access(script, os.X_OK)
    assert "stress-breathing-transcript.md" in script.read_text()
    recording = PACK / "media" / "calm-breathing.ogg"
    assert recording.read_bytes()[:4] == b"OggS"
    assert recording.stat().st_size < 2 * 1024 * 1024


def test_the_loaded_audio_block_is_served_as_audio(programme, client, patient):
    page = Page.objects.get(module__programme=programme, slug="calm-breathing")
    block = _audio_block(page)
    assert block["src"] == "calm-breathing.ogg"
    assert "Notice your breath as it is right now" in block["transcript_html"]

    client.force_login(patient, backend="accounts.backends.EmailBackend")
    media = client.get(reverse("api:programme-media", args=[programme.pk, block["src"]]))
    assert media.status_code == 200
    assert media["Content-Type"].startswith("audio/")
    body = b"".join(media.streaming_content) if media.streaming else media.content
    assert body[:4] == b"OggS"


def test_the_reader_plays_the_recording_with_the_transcript(programme, enrolment, client, patient):
    page = Page.objects.get(module__programme=programme, slug="calm-breathing")
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    html = client.get(reverse("patient:programme_page", args=[page.pk])).content.decode()
    src = reverse("api:programme-media", args=[programme.pk, "calm-breathing.ogg"])
    assert f'<audio controls preload="none" src="{src}">' in html
    assert "Notice your breath as it is right now" in html
