"""Attachments are checked by their content: PDF, DOCX and XLSX only, at most 20 MB."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.development.models import Attachment
from applications.development.services import DOCX, MAX_ATTACHMENT_SIZE, XLSX

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def office_file(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<xml/>")
    return buffer.getvalue()


def upload(client, application, name, content):
    return client.post(
        reverse("development:attachment_upload", args=[application.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_a_pdf_is_stored_with_its_checksum_and_only_readers_download_it(
    client, draft, applicant, outsider
):
    client.force_login(applicant)
    response = upload(client, draft, "budsjett.pdf", PDF_BYTES)
    assert "«budsjett.pdf» er lastet opp." in response.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    url = reverse("development:attachment", args=[draft.pk, attachment.pk])
    response = client.get(url)
    assert b"".join(response.streaming_content) == PDF_BYTES
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_an_exe_renamed_to_pdf_is_refused(client, draft, applicant):
    client.force_login(applicant)
    response = upload(client, draft, "budsjett.pdf", EXE_BYTES)
    assert (
        "«budsjett.pdf» er ikke en PDF-, Word- (DOCX) eller Excel-fil (XLSX). Filen er sjekket "
        "etter innholdet, ikke etter navnet." in response.content.decode()
    )
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("part", "content_type"), [("word/document.xml", DOCX), ("xl/workbook.xml", XLSX)]
)
def test_docx_and_xlsx_are_recognised_by_their_parts(client, draft, applicant, part, content_type):
    client.force_login(applicant)
    upload(client, draft, "vedlegg.bin", office_file(part))
    assert Attachment.objects.get().content_type == content_type


def test_a_zip_that_is_no_office_file_is_refused(client, draft, applicant):
    client.force_login(applicant)
    upload(client, draft, "rapport.docx", office_file("secret/payload.txt"))
    assert not Attachment.objects.exists()


def test_more_than_20_mb_is_refused(client, draft, applicant):
    client.force_login(applicant)
    content = PDF_BYTES + b"0" * (MAX_ATTACHMENT_SIZE - len(PDF_BYTES) + 1)
    response = upload(client, draft, "stor.pdf", content)
    assert "«stor.pdf» er for stor. Et vedlegg kan være høyst 20 MB." in response.content.decode()
    assert not Attachment.objects.exists()
