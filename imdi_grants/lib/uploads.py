"""Uploaded files are checked by their content, not their name."""

from __future__ import annotations

import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

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
