import pytest

from toolbox import services


@pytest.fixture
def today(patient):
    return services.local_today(patient)


@pytest.fixture
def patient_client(client, patient, workspace):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    return client


@pytest.fixture
def gp_client(client, gp, gp_membership):
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    return client


def checkin(workspace, day, **overrides):
    values = {"mood": 3, "symptoms": 3, "energy": 3, "sleep": 3}
    values.update(overrides)
    return services.checkin_save(workspace=workspace, by=workspace.patient, day=day, **values)[0]
