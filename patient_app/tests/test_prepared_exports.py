"""Prepared downloads: asked for on the page, built by a background job, fetched only by the
patient, kept a week."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from care.models import DataExport
from patient_app.tasks import build_export, prune_exports
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client, patient, workspace):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    return client


def _prepare(client, fmt):
    return client.post(reverse("patient:my_data_prepare"), {"format": fmt})


def test_a_download_is_prepared_by_a_job_and_then_listed(owner, patient, workspace):
    assert _prepare(owner, "json").status_code == 302
    export = DataExport.objects.get(workspace=workspace)
    assert export.status == "pending"
    # The job is on the task engine's queue, for a worker.
    job = DBTaskResult.objects.get(task_path="patient_app.tasks.build_export")
    assert job.args_kwargs["args"] == [str(export.pk)]
    page = owner.get(reverse("patient:my_data")).content.decode()
    assert "Being prepared" in page
    assert build_export.call(str(export.pk)) == "ready"
    assert build_export.call(str(export.pk)) == "nothing to do"  # run twice: built once
    export.refresh_from_db()
    assert export.status == "ready" and export.ready_at is not None
    response = owner.get(reverse("patient:my_data_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    body = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert body["data"]["accounts.User"][0]["email"] == patient.email
    assert "care.DataExport" not in body["data"]  # a download never holds the last one


def test_a_pdf_is_prepared_too(owner, patient, workspace):
    _prepare(owner, "pdf")
    export = DataExport.objects.get()
    build_export.call(str(export.pk))
    response = owner.get(reverse("patient:my_data_download", args=[export.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert patient.full_name in text


def test_only_the_patient_fetches_their_download(
    client, owner, patient, workspace, gp, gp_membership
):
    _prepare(owner, "json")
    export = DataExport.objects.get()
    build_export.call(str(export.pk))
    url = reverse("patient:my_data_download", args=[export.pk])
    other = PatientFactory()
    client.force_login(other, backend="accounts.backends.EmailBackend")
    assert client.get(url).status_code == 404
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    assert client.get(url).status_code in (403, 404)


def test_a_download_not_ready_or_past_its_week_is_not_found(owner, workspace):
    _prepare(owner, "json")
    export = DataExport.objects.get()
    url = reverse("patient:my_data_download", args=[export.pk])
    assert owner.get(url).status_code == 404  # still pending
    build_export.call(str(export.pk))
    DataExport.objects.filter(pk=export.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert owner.get(url).status_code == 404
    assert prune_exports.call() == {"deleted": 1}
    assert not DataExport.objects.exists()


@pytest.mark.parametrize("fmt", ["", "xml", "json\x00", "pdf" * 100])
def test_a_bad_format_changes_nothing(owner, fmt):
    assert _prepare(owner, fmt).status_code == 400
    assert not DataExport.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_no_more_than_two_are_prepared_at_once(owner):
    for _ in range(4):
        _prepare(owner, "pdf")
    assert DataExport.objects.count() == 2


def test_a_download_that_cannot_be_built_says_so(owner, workspace, monkeypatch):
    from patient_app.privacy import exports

    _prepare(owner, "json")
    export = DataExport.objects.get()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "build", broken)
    assert build_export.call(str(export.pk)) == "failed"
    export.refresh_from_db()
    assert export.status == "failed"
    assert "Could not be prepared" in owner.get(reverse("patient:my_data")).content.decode()


def test_erasure_removes_prepared_downloads(owner, patient, workspace):
    from care.privacy import patient_erase

    _prepare(owner, "json")
    build_export.call(str(DataExport.objects.get().pk))
    patient_erase(patient=patient)
    assert not DataExport.objects.exists()
