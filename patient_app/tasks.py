"""The patient's prepared downloads as background jobs (docs/my-data.md)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from accounts.languages import language_of
from care.models import DataExport
from jobs.schedules import every

logger = logging.getLogger(__name__)


@task()
def build_export(export_id: str) -> str:
    """Build one prepared download. Idempotent: a download already built is left as it is."""
    from patient_app.privacy.exports import build

    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .select_related("workspace__patient")
            .filter(pk=export_id, status=DataExport.Status.PENDING)
            .first()
        )
        if export is None:
            return "nothing to do"
        try:
            with translation.override(language_of(export.workspace.patient)):
                content = build(workspace=export.workspace, fmt=export.format)
        except Exception:  # noqa: BLE001 - say it failed on the page; never leave it pending
            logger.exception("export %s could not be built", export.pk)
            export.status = DataExport.Status.FAILED
            export.save(update_fields=["status"])
            return "failed"
        export.content = content
        export.status = DataExport.Status.READY
        export.ready_at = timezone.now()
        export.save(update_fields=["content", "status", "ready_at"])
    return "ready"


@every(seconds=3600)
@task()
def prune_exports() -> dict:
    """Delete prepared downloads a week after they were made (idempotent)."""
    cutoff = timezone.now() - DataExport.KEEP
    deleted, _ = DataExport.objects.filter(created_at__lt=cutoff).delete()
    return {"deleted": deleted}
