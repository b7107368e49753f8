"""A rendered letter is kept once: its file, its checksum and when it was rendered."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone


def pdf_store(obj: models.Model, pdf: bytes, *, filename: str) -> None:
    """Store ``pdf`` on ``obj.file`` with its SHA-256 and the time; a case number's "/" never
    becomes a folder in the file name. Call under the row lock that checked it was not yet
    rendered."""
    obj.sha256 = hashlib.sha256(pdf).hexdigest()
    obj.file.save(filename.replace("/", "-"), ContentFile(pdf), save=False)
    obj.rendered_at = timezone.now()
    obj.save(update_fields=["file", "sha256", "rendered_at"])
