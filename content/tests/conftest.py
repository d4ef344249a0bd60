"""Fixtures for the content app: the real pack, loaded, and an enrolment in the persona workspace."""

from pathlib import Path

import pytest

from content import services
from content.loader import pack_load

PACK = Path(__file__).resolve().parents[1] / "packs" / "persistent-symptoms"


@pytest.fixture
def programme(db):
    return pack_load(PACK).programme


@pytest.fixture
def first_page(programme):
    return programme.modules.get(position=1).pages.get(position=1)


@pytest.fixture
def enrolment(workspace, programme, patient):
    return services.enrolment_start(workspace=workspace, programme=programme, by=patient)
