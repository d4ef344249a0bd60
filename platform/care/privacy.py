"""Data-subject rights: what belongs to a patient, for export and erasure.

Every model of every project app is declared in that app's ``data_rights.py``, either in
``PATIENT_DATA`` (label -> ORM path from the model to its ``care.Workspace``) or in
``NOT_PATIENT_DATA`` (label -> why it holds nothing of a patient's, or how it is handled).
A test fails when a model is in neither, so new patient data cannot escape export.

An app may also offer its data in a standard format for the patient's download: an optional
``EXTRA_EXPORTS`` dict in its ``data_rights.py`` maps a top-level key of the download (``"fhir"``)
to a callable ``(workspace) -> dict``; ``extra_exports`` collects them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder

from care.models import Workspace
from config.discovery import PROJECT_APPS, app_modules


@dataclass(frozen=True)
class Declarations:
    patient_data: dict[str, str]
    not_patient_data: dict[str, str]


def declarations() -> Declarations:
    patient_data: dict[str, str] = {}
    not_patient_data: dict[str, str] = {}
    for _app, module in app_modules("data_rights"):
        patient_data.update(getattr(module, "PATIENT_DATA", {}))
        not_patient_data.update(getattr(module, "NOT_PATIENT_DATA", {}))
    return Declarations(patient_data, not_patient_data)


def project_models() -> list[str]:
    return sorted(
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not model._meta.proxy
    )


# Never exported: credentials and security bookkeeping.
SECRET_FIELDS = {"password", "failed_logins", "locked_until", "groups", "user_permissions"}


def workspace_export(*, workspace: Workspace) -> dict:
    """Everything stored about this workspace's patient, as plain JSON-ready data."""
    result: dict[str, list] = {}
    for label, path in sorted(declarations().patient_data.items()):
        model = apps.get_model(label)
        filter_kwargs = {path: workspace} if path else {"pk": workspace.pk}
        rows = model.objects.filter(**filter_kwargs).order_by("pk")
        result[label] = [
            {"id": str(item["pk"])}
            | {key: value for key, value in item["fields"].items() if key not in SECRET_FIELDS}
            for item in json.loads(serializers.serialize("json", rows, cls=DjangoJSONEncoder))
        ]
    return result


# Keys of the download that belong to the platform itself.
RESERVED_EXPORT_KEYS = frozenset({"exported_at", "data"})


def extra_exports(*, workspace: Workspace) -> dict[str, dict]:
    """Each app's ``EXTRA_EXPORTS`` for this workspace, by key (e.g. ``{"fhir": Bundle}``)."""
    builders: dict[str, object] = {}
    for app, module in app_modules("data_rights"):
        for key, build in getattr(module, "EXTRA_EXPORTS", {}).items():
            if key in builders or key in RESERVED_EXPORT_KEYS:
                raise ValueError(f"{app}.data_rights: export key '{key}' is already taken")
            builders[key] = build
    return {key: build(workspace) for key, build in sorted(builders.items())}


def patient_erase(*, patient) -> dict:
    """Erase a patient: their account, workspace and everything declared as patient data.

    The audit trail is kept, pseudonymised: its rows lose the link to the person and the
    workspace (``SET_NULL``) and hold only ids and action codes. Invitations sent to the
    patient's address are deleted. Returns the number of rows removed per model.
    """
    from django.db import transaction

    from care.models import Invitation
    from records.models import AuditEvent

    with transaction.atomic():
        workspace = Workspace.objects.filter(patient=patient).first()
        counts: dict[str, int] = {}
        if workspace is not None:
            # An app may first detach what others built on the patient's rows (a forum topic
            # others replied to), so that deleting the patient's rows takes nothing of theirs.
            for _app, module in app_modules("data_rights"):
                hook = getattr(module, "BEFORE_ERASE", None)
                if hook is not None:
                    hook(workspace)
            for label, path in sorted(declarations().patient_data.items()):
                if label in {"accounts.User", "care.Workspace"}:
                    continue
                model = apps.get_model(label)
                deleted, _ = model.objects.filter(**{path: workspace}).delete()
                counts[label] = deleted
        counts["care.Invitation"] = Invitation.objects.filter(email__iexact=patient.email).delete()[
            0
        ]
        AuditEvent.objects.create(action="accounts.user.erased", data={})
        if workspace is not None:
            workspace.delete()
        patient.delete()
    return counts
