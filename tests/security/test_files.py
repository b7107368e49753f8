"""Issue 12: files follow transactions. A write that fails leaves no partial file; a file is
deleted only once the deletion of its row commits; a file whose row never committed (a
rolled-back render, a retried task) is removed by the orphan sweep, while every file a row
refers to stays; a case number's "/" never becomes a folder."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from applications.development.services import attachment_add, attachment_delete
from grants.models import GrantLetter
from grants.services import grant_letter_render
from imdi_grants.lib.files import orphans_sweep, referenced_names
from tests.development.conftest import draft  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class BrokenStream(File):
    """An upload whose stream breaks after the first chunk (a dropped connection, a full disk)."""

    def __init__(self) -> None:
        super().__init__(None, name="broken.pdf")
        self.size = 2 * 64 * 1024

    def seek(self, offset: int) -> None:
        pass

    def chunks(self, chunk_size: int | None = None):
        yield b"%PDF-1.4 " + b"x" * 64 * 1024
        raise OSError(28, "No space left on device")


def stored_files() -> list[str]:
    root = default_storage.location
    return sorted(
        os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files
    )


def test_a_write_that_fails_leaves_no_partial_file(db):
    with pytest.raises(OSError):
        default_storage.save("letters/2025/broken.pdf", BrokenStream())
    assert not default_storage.exists("letters/2025/broken.pdf")
    assert stored_files() == [], "neither the file nor its temporary copy is left"
    name = default_storage.save("letters/2025/whole.pdf", ContentFile(PDF))
    assert default_storage.open(name).read() == PDF
    assert stored_files() == ["letters/2025/whole.pdf"]


def test_an_attachment_file_is_deleted_only_when_the_deletion_commits(
    transactional_db,
    draft,  # noqa: F811
    applicant,
):
    attachment = attachment_add(
        application=draft, by=applicant, uploaded=SimpleUploadedFile("plan.pdf", PDF)
    )
    name, pk = attachment.file.name, attachment.pk
    with pytest.raises(RuntimeError), transaction.atomic():
        attachment_delete(attachment=attachment, by=applicant)
        raise RuntimeError("the request fails after the deletion")
    assert draft.attachments.filter(pk=pk).exists()
    assert default_storage.exists(name), "the row is back, so is its file"
    attachment_delete(attachment=draft.attachments.get(pk=pk), by=applicant)
    assert not default_storage.exists(name)


def test_a_render_that_rolled_back_leaves_an_orphan_the_sweep_removes(
    transactional_db, issued_grant
):
    letter = GrantLetter.objects.get(grant=issued_grant)
    GrantLetter.objects.filter(pk=letter.pk).update(rendered_at=None, file="", sha256="")
    with pytest.raises(RuntimeError), transaction.atomic():
        grant_letter_render(letter_id=letter.pk)
        raise RuntimeError("the worker died before commit")
    orphan = stored_files()
    assert len(orphan) >= 1
    assert grant_letter_render(letter_id=letter.pk), "the retried task renders it again"
    letter.refresh_from_db()
    assert "/" not in letter.file.name.rsplit("letters/", 1)[-1].split("/", 1)[-1]
    assert issued_grant.case_number.replace("/", "-") in letter.file.name
    kept = letter.file.name

    assert orphans_sweep(older_than=dt.timedelta(hours=1)) == [], "too young to tell"
    removed = orphans_sweep(older_than=dt.timedelta(0))
    assert kept not in removed and default_storage.exists(kept)
    assert removed and all(not default_storage.exists(name) for name in removed)
    assert set(stored_files()) <= referenced_names(), "every file left belongs to a row"
