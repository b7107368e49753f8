"""Issue 11: an export of more than a few thousand rows is made in the background. The queue's
export above the limit becomes a job: a real worker streams the rows to a file while the page
shows how far it has come, and the file is offered, to the person who asked only, when ready.
The file holds exactly the filtered rows; building it again changes nothing."""

from __future__ import annotations

import io
import time

import openpyxl
import pytest
from django.urls import reverse

from bench.volume import applications_bulk_create
from imdi_grants.audit.models import AuditEntry
from imdi_grants.exports.models import ExportJob, ExportStatus
from imdi_grants.exports.services import export_build


@pytest.fixture
def many(round_2025, municipality, assessor_a, assessor_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_BACKGROUND_ROWS = 20
    applications_bulk_create(
        scheme_year=round_2025,
        organisation=municipality,
        count=45,
        assessors=[assessor_a, assessor_b],
    )


@pytest.mark.worker
def test_a_large_queue_export_is_made_in_the_background_and_offered_when_ready(
    client,
    many,
    lead,
    assessor_a,
    celery_worker_on_redis,
):
    client.force_login(lead)
    response = client.get(reverse("assessment:queue_export", args=["xlsx"]), {"area": ""})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "exports:detail", args=[job.pk]
    )
    assert job.rows_total == 45
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not ExportJob.objects.get(pk=job.pk).is_finished:
        time.sleep(0.3)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.rows_done == 45

    page = client.get(reverse("exports:detail", args=[job.pk])).content.decode()
    assert reverse("exports:download", args=[job.pk]) in page and 'http-equiv="refresh"' not in page
    download = client.get(reverse("exports:download", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "saksnummer" and len(rows) == 46
    assert AuditEntry.objects.filter(action="imdi.security.export_downloaded").exists()

    client.force_login(assessor_a)
    assert client.get(reverse("exports:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
    assert not export_build(job_id=job.pk), "a finished export is never built again"


@pytest.mark.django_db
def test_a_small_export_is_made_at_once_and_a_job_in_progress_reloads_its_page(
    client,
    many,
    lead,
    settings,
):
    settings.EXPORT_BACKGROUND_ROWS = 1000
    client.force_login(lead)
    response = client.get(reverse("assessment:queue_export", args=["csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert not ExportJob.objects.exists()

    settings.EXPORT_BACKGROUND_ROWS = 10
    client.get(reverse("assessment:queue_export", args=["csv"]), {"q": "Volumprosjekt 1"})
    job = ExportJob.objects.get()
    assert job.rows_total == 11, "exactly what the filter shows (1, 10–19)"
    page = client.get(reverse("exports:detail", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "<progress" in page
    assert export_build(job_id=job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as f:
        lines = f.read().decode("utf-8-sig").splitlines()
    assert len(lines) == 12 and lines[0].startswith("saksnummer;")
