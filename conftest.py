"""Root conftest: persona fixtures shared by every test in the repository."""

import pytest

from tests.factories import (
    ALL_SECTIONS,
    GPFactory,
    PatientFactory,
    TherapistFactory,
    add_member,
    workspace_for,
)


@pytest.fixture
def world(db):
    from tests.world import build_world

    return build_world()


@pytest.fixture
def patient(db):
    return PatientFactory(full_name="Pat Patient")


@pytest.fixture
def other_patient(db):
    return PatientFactory(full_name="Oli Otherpatient")


@pytest.fixture
def workspace(patient):
    return workspace_for(patient)


@pytest.fixture
def gp(db):
    return GPFactory(full_name="Dr Gina Practitioner")


@pytest.fixture
def therapist(db):
    return TherapistFactory(full_name="Tom Therapist")


@pytest.fixture
def outsider_clinician(db):
    return GPFactory(full_name="Dr Ursula Unrelated")


@pytest.fixture
def gp_membership(workspace, gp):
    return add_member(workspace, gp, ALL_SECTIONS)


@pytest.fixture
def therapist_membership(workspace, therapist):
    return add_member(workspace, therapist, [])


@pytest.fixture
def anonymous(client):
    return client
