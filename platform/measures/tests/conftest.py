import pytest
import yaml
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from measures.tests.translation_support import FIXTURE_REVIEW, SHIPPED_DIR, shipped_translation
from records.events import user_group


@pytest.fixture
def workspace_events(workspace, in_memory_channel_layer):
    """A real listener on the in-memory channel layer for the patient's own group (the owner
    is in the audience of every event of their workspace): call it to get every event
    published so far (after commit)."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(workspace.patient_id), channel)

    def received():
        events = []
        while True:
            try:
                events.append(async_to_sync(_receive_now)(layer, channel))
            except TimeoutError:
                return events

    return received


async def _receive_now(layer, channel):
    import asyncio

    return await asyncio.wait_for(layer.receive(channel), timeout=0.05)


@pytest.fixture
def translations_dir(tmp_path, monkeypatch):
    """Point the definitions at an empty translations folder of the test's own; write files
    into it with the returned function (name, mapping). The cache is cleared either side."""
    from measures import definitions

    folder = tmp_path / "translations"
    folder.mkdir()
    monkeypatch.setattr(definitions, "TRANSLATION_DIR", folder)
    definitions.translations.cache_clear()

    def write(name: str, data) -> None:
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        definitions.translations.cache_clear()

    yield write
    definitions.translations.cache_clear()


@pytest.fixture
def verified_translations(translations_dir):
    """Every shipped translation as if a reviewer had checked it: the same texts, with
    ``status: verified`` and a review block, in a test folder."""
    for path in sorted(SHIPPED_DIR.glob("*.yaml")):
        data = shipped_translation(path.name) | {"status": "verified", "review": FIXTURE_REVIEW}
        translations_dir(path.name, data)
