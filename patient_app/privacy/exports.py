"""The patient's downloads, built in one place for the page (at once) and for the background
job (prepared, docs/my-data.md)."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from care import privacy
from patient_app.privacy.pdf import data_pdf
from patient_app.privacy.summary import data_groups

CONTENT_TYPES = {"json": "application/json", "pdf": "application/pdf"}
FILENAMES = {"json": "my-data.json", "pdf": "my-data.pdf"}


def build(*, workspace, fmt: str, data: dict | None = None) -> bytes:
    """Everything about the workspace's patient as JSON (with the apps' standard formats beside
    the raw records) or as a PDF for people."""
    data = data if data is not None else privacy.workspace_export(workspace=workspace)
    if fmt == "json":
        download = {"exported_at": timezone.now(), "data": data}
        download |= privacy.extra_exports(workspace=workspace)
        return json.dumps(download, cls=DjangoJSONEncoder, indent=2).encode()
    patient = workspace.patient
    return data_pdf(
        name=patient.full_name or patient.email,
        made_at=timezone.localtime(),
        groups=data_groups(data),
    )
