"""Background exports: requested by a person, built by a task that streams the rows to a file
(CSV with ``;`` or XLSX in openpyxl's write-only mode, so memory stays flat however many rows),
offered for download to the person who asked, and removed after ``EXPORT_KEEP_DAYS``."""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from imdi_grants.accounts.models import User
from imdi_grants.audit.services import audit_log
from imdi_grants.lib.exports import FORMATS, formula_safe
from imdi_grants.lib.files import delete_after_commit
from imdi_grants.lib.tasks import enqueue
from imdi_grants.lib.workflow import require, require_actor

from .models import ExportJob, ExportStatus
from .registry import export_kind

#: Rows written between two progress updates.
PROGRESS_EVERY = 500


def _task():
    from .tasks import export_build as task

    return task


@transaction.atomic
def export_request(*, kind: str, params: dict, fmt: str, by: User) -> ExportJob:
    """Queue an export of ``kind`` with the filter ``params``; it is built after commit."""
    export = export_kind(kind)
    require_actor(by.is_authenticated and export.may_export(by))
    require(fmt in FORMATS, "format")
    job = ExportJob.objects.create(
        kind=kind,
        params=params,
        fmt=fmt,
        requested_by=by,
        rows_total=export.count(by, params),
    )
    audit_log(
        subject=job,
        action="imdi.security.export_requested",
        actor=by,
        data={"kind": kind, "format": fmt, "rows": job.rows_total, "filter": params},
    )
    enqueue(_task(), job.pk)
    return job


def _progress(job_id: int, rows: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(rows_done=rows)


def _write(path: str, fmt: str, header: list[str], rows, job_id: int) -> int:
    count = 0
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8-sig") as target:
            writer = csv.writer(target, delimiter=";")
            writer.writerow(header)
            for row in rows:
                writer.writerow([formula_safe(v) for v in row])
                count += 1
                if count % PROGRESS_EVERY == 0:
                    _progress(job_id, count)
        return count
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append([formula_safe(_cell(v)) for v in row])
        count += 1
        if count % PROGRESS_EVERY == 0:
            _progress(job_id, count)
    workbook.save(path)
    return count


def _cell(value: object) -> object:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def export_build(*, job_id: int) -> bool:
    """Build the job's file once: a finished job is left alone, so a retried or redelivered
    task does nothing twice. Rows are read in chunks and written as they come."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("requested_by").get(pk=job_id)
        if job.is_finished:
            return False
        job.status, job.started_at = ExportStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    export = export_kind(job.kind)
    user = job.requested_by
    descriptor, path = tempfile.mkstemp(suffix=f".{job.fmt}")
    os.close(descriptor)
    try:
        if not export.may_export(user):  # the person lost the right meanwhile
            raise PermissionError("not allowed")
        count = _write(
            path, job.fmt, export.header(user, job.params), export.rows(user, job.params), job.pk
        )
        with transaction.atomic():
            job = ExportJob.objects.select_for_update().get(pk=job_id)
            if job.is_finished:
                return False
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            with open(path, "rb") as source:
                job.file.save(f"{export.filename}-{stamp}.{job.fmt}", File(source), save=False)
            job.status, job.rows_done, job.finished_at = ExportStatus.DONE, count, timezone.now()
            job.rows_total = max(job.rows_total, count)
            job.save(update_fields=["file", "status", "rows_done", "rows_total", "finished_at"])
        return True
    except PermissionError:
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportStatus.FAILED, error="permission", finished_at=timezone.now()
        )
        return False
    finally:
        os.unlink(path)


def export_failed(*, job_id: int, error: str) -> None:
    """The task gave up: say so on the job's page instead of waiting for ever."""
    ExportJob.objects.filter(pk=job_id).exclude(status=ExportStatus.DONE).update(
        status=ExportStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def exports_stuck(*, before: dt.datetime) -> QuerySet[ExportJob]:
    """Queued or running since before ``before`` (the task was lost, or its worker died)."""
    return ExportJob.objects.filter(
        Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING),
        created_at__lt=before - dt.timedelta(minutes=10),
    ).select_related("requested_by")


def export_retry(*, job_id: int) -> None:
    ExportJob.objects.filter(pk=job_id).exclude(status=ExportStatus.DONE).update(
        status=ExportStatus.QUEUED, error=""
    )
    _task().delay(job_id)


def export_downloaded(*, job: ExportJob, by: User) -> None:
    audit_log(
        subject=job,
        action="imdi.security.export_downloaded",
        actor=by,
        data={"kind": job.kind, "rows": job.rows_done},
    )


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Remove finished exports older than ``EXPORT_KEEP_DAYS``: the file and the row."""
    before = (now or timezone.now()) - dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    removed = 0
    for job in ExportJob.objects.filter(created_at__lt=before)[:500]:
        with transaction.atomic():
            job.delete()
            delete_after_commit([job.file])
        removed += 1
    return removed
