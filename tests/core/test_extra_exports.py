"""The optional ``EXTRA_EXPORTS`` hook of ``data_rights.py``: collected per app, keys unique."""

import types

import pytest

from care import privacy

pytestmark = pytest.mark.django_db


def test_extra_exports_are_collected_by_key(workspace):
    extras = privacy.extra_exports(workspace=workspace)
    assert "fhir" in extras and extras["fhir"]["resourceType"] == "Bundle"


@pytest.mark.parametrize("key", ["fhir", "data", "exported_at"])
def test_a_taken_export_key_fails_loudly(monkeypatch, workspace, key):
    clash = types.SimpleNamespace(EXTRA_EXPORTS={key: lambda workspace: {}})
    real = privacy.app_modules("data_rights")
    monkeypatch.setattr(privacy, "app_modules", lambda name: [*real, ("clash", clash)])
    with pytest.raises(ValueError, match=f"'{key}' is already taken"):
        privacy.extra_exports(workspace=workspace)
