"""Uploaded files are checked by their content, not their name, scanned, and stored under a
name of our own.

Every upload goes the same way: ``upload_check`` (or ``validate_upload`` in a form, then
``upload_scan``) finds the type from the bytes and scans them (``scanning.scan``); the service
stores the ``CheckedUpload`` with ``store`` under a random name ending in the checked type's
extension (``stored_file_name``, the ``upload_to`` of every uploaded file) and records its scan
(``scan.fields()``); the user's file name is kept only to show. Files are never served from
MEDIA_URL: each is downloaded through a view that checks the reader's access and calls
``file_response``, which refuses a quarantined file.
"""

from __future__ import annotations

import hashlib
import re
import uuid
import zipfile
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imdi_grants.accounts.models import Organisation, User
from imdi_grants.audit.services import audit_log

from .scanning import Scan, ScanStatus, scan

MB = 1024 * 1024

# What each accepted type looks like inside: PDF's magic bytes, or an Office Open XML zip with
# the part that makes it a document or a workbook.
TYPE_LABELS = {"pdf": "PDF", "docx": "DOCX", "xlsx": "XLSX"}


def sniff(upload: UploadedFile) -> str | None:
    """'pdf', 'docx', 'xlsx' or None, from the bytes."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def validate_upload(upload: UploadedFile, *, allowed: tuple[str, ...], max_mb: int = 20) -> str:
    """Return the file's type or raise a ValidationError that says why it was refused."""
    if upload.size > max_mb * MB:
        raise ValidationError(
            _("“%(name)s” is %(size)s MB; the limit is %(max)s MB."),
            code="too_large",
            params={"name": upload.name, "size": round(upload.size / MB, 1), "max": max_mb},
        )
    kind = sniff(upload)
    if kind not in allowed:
        raise ValidationError(
            _(
                "“%(name)s” is not a %(types)s file (its content was checked, whatever its "
                "name says). Upload a file of one of these types."
            ),
            code="wrong_type",
            params={
                "name": upload.name,
                "types": ", ".join(TYPE_LABELS[k] for k in allowed),
            },
        )
    return kind


# --- Storing and serving ------------------------------------------------------------------------

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]+")


def display_name(name: str | None, *, default: str = "vedlegg") -> str:
    """The user's name for a file, kept only to show it: its last path part (``/`` or ``\\``,
    as old browsers sent the whole path), no control characters, at most 150 characters."""
    last = re.split(r"[/\\]", name or "")[-1]
    cleaned = _UNPRINTABLE.sub("", last).strip().lstrip(".")
    return cleaned[-150:] or default


def stored_file_name(filename: str) -> str:
    """The name a file is stored under (the ``upload_to`` of every uploaded file): random, with
    the extension of the type the content check found. Nothing else of the given name is kept,
    so a name from a fixture or the admin cannot choose a path or an extension either."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return f"{uuid.uuid4().hex}.{extension if extension in CONTENT_TYPES else 'bin'}"


def download_name(name: str, *, content_type: str) -> str:
    """The name a download is offered under: the user's name with the extension of the type
    that was checked (``tall.exe`` holding a PDF is offered as ``tall.pdf``)."""
    kind = next((k for k, v in CONTENT_TYPES.items() if v == content_type), "bin")
    stem = display_name(name).rsplit(".", 1)[0]
    return f"{stem or 'vedlegg'}.{kind}"


def file_response(
    *, file: FieldFile, name: str, content_type: str, scan_status: str
) -> FileResponse:
    """The download of an uploaded file, for views that have checked the reader's access; a
    quarantined file is refused with a 403 that says why."""
    if scan_status == ScanStatus.QUARANTINED:
        raise PermissionDenied(
            gettext(
                "This file is quarantined: the check of uploaded files found JavaScript, macros "
                "or a virus in it, or could not read it. It cannot be downloaded. Ask the "
                "sender for a clean copy."
            )
        )
    return FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=download_name(name, content_type=content_type),
        content_type=content_type,
    )


def scan_feedback(*, name: str, status: str, result: str) -> str | None:
    """What the uploader of a file is told about its scan, in their language; None when clean."""
    if status == ScanStatus.CLEAN:
        return None
    if status == ScanStatus.UNSCANNED:
        message = gettext(
            "“%(name)s” has not been virus-scanned, because the virus scanner was not "
            "available. The file is kept, and the pages that list it say it is not scanned."
        )
    elif result.startswith("virus"):
        message = gettext(
            "“%(name)s” is quarantined: the virus scan found “%(finding)s” in it. No one can "
            "download it, and it does not count as sent. Upload a clean copy."
        )
    elif result.startswith("unreadable"):
        message = gettext(
            "“%(name)s” is quarantined: it is encrypted or damaged, so it could not be "
            "checked for JavaScript. No one can download it, and it does not count as sent. "
            "Save it again without password protection (for example with “Print to PDF”) and "
            "upload the new file."
        )
    else:
        message = gettext(
            "“%(name)s” is quarantined: it contains JavaScript, macros or another action "
            "that runs by itself, which the portal does not accept. No one can download it, "
            "and it does not count as sent. Save it again without them (for example with "
            "“Print to PDF”) and upload the new file."
        )
    return message % {"name": name, "finding": result.partition(": ")[2]}


@dataclass(frozen=True)
class CheckedUpload:
    """An upload whose type was found from its content and whose bytes were scanned: a service
    stores it with ``store`` and records ``name``, ``sha256`` and ``scan.fields()``."""

    kind: str
    name: str
    data: bytes
    sha256: str
    scan: Scan

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def is_quarantined(self) -> bool:
        return self.scan.status == ScanStatus.QUARANTINED

    def store(self, file: FieldFile) -> None:
        """Write the bytes under a random name with the checked type's extension."""
        file.save(f"upload.{self.kind}", ContentFile(self.data), save=False)

    def feedback(self) -> str | None:
        """What the uploader is told about the scan, in their language; None when clean."""
        return scan_feedback(name=self.name, status=self.scan.status, result=self.scan.result)


def upload_scan(upload: UploadedFile, *, kind: str) -> CheckedUpload:
    """Read, hash and scan an upload whose type ``kind`` has been checked."""
    upload.seek(0)
    data = upload.read()
    return CheckedUpload(
        kind=kind,
        name=display_name(upload.name),
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        scan=scan(data, kind=kind),
    )


def upload_check(
    upload: UploadedFile, *, allowed: tuple[str, ...], max_mb: int = 20
) -> CheckedUpload:
    """Check an upload's size and type (a ``ValidationError`` says why it is refused), then
    scan it. Call it before taking row locks: clamd may take seconds on a large file."""
    return upload_scan(upload, kind=validate_upload(upload, allowed=allowed, max_mb=max_mb))


def upload_quarantine_log(
    *, checked: CheckedUpload, subject: models.Model, by: User, organisation: Organisation
) -> None:
    """An audit entry for a quarantined upload, so IMDi sees who sent what and what was found."""
    if checked.is_quarantined:
        audit_log(
            subject=subject,
            action="imdi.security.upload_quarantined",
            actor=by,
            organisation=organisation,
            data={"name": checked.name, "sha256": checked.sha256, "result": checked.scan.result},
        )
