"""Issue 12: uploads. A file is stored under the extension its content check found, never the
user's; nothing is served from MEDIA_URL, in demo mode neither; a PDF with JavaScript (our own
check) or a virus (ClamAV's daemon) is quarantined: it cannot be downloaded and does not count;
without a reachable clamd a file is kept as "unscanned" and the pages that list it say so.

The virus scan runs against a real clamd (Debian's clamav-daemon) started by the tests on a
unix socket and a TCP port of their own. Its signature database is the one thing made up:
freshclam cannot reach ClamAV's servers from here, so the database is a single signature for
the EICAR test file, written by the test, under the name ClamAV's own database gives it."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import os
import re
import shutil
import socket
import subprocess
import time
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, clear_url_caches, resolve, reverse
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from applications.appeals.models import Appeal
from applications.development.models import Attachment
from applications.development.services import application_submit
from applications.reception import services as reception
from imdi_grants.audit.models import AuditEntry
from imdi_grants.lib import scanning
from imdi_grants.lib.scanning import ScanStatus, clamd_instream, pdf_active_content
from imdi_grants.lib.uploads import display_name, download_name, stored_file_name
from imdi_grants.lib.workflow import DomainError
from reporting import services as reports
from tests.appeals.test_appeals import dismissed  # noqa: F401  (fixtures)
from tests.assessment.conftest import assessor_a, round_2025, submitted  # noqa: F401
from tests.development.conftest import IN_TIME, impartial

from .conftest import closed_port

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PLAIN_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Split so that this source file is not itself the EICAR test file for a scanner reading it.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture(autouse=True)
def _no_scanner(settings):
    """No clamd unless a test points at one."""
    settings.CLAMAV_URL = ""


def english(client) -> None:
    """Messages are asserted in English (the msgids); the Norwegian catalogues come with them."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# --- Files to upload ------------------------------------------------------------------------


def pdf(*, root: dict | None = None, page: dict | None = None) -> bytes:
    """A real PDF (pypdf) with extra entries in its catalogue or on its page."""
    writer = PdfWriter()
    blank = writer.add_blank_page(200, 200)
    for target, entries in ((writer.root_object, root), (blank, page)):
        for key, value in (entries or {}).items():
            target[NameObject(key)] = value
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def action(kind: str, **entries) -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject(kind)} | {NameObject(f"/{k}"): v for k, v in entries.items()}
    )


def pdf_with_object_stream(objects: bytes, *, compress=zlib.compress, note=b"") -> bytes:
    """A PDF 1.5 whose dictionaries are in a compressed object stream, as Word and WeasyPrint
    write them: nothing of them shows in the file's bytes."""
    header = b"2 0 "
    data = compress(header + objects)
    return (
        b"%PDF-1.5\n1 0 obj\n<< /Type /ObjStm "
        + note
        + b" /N 1 /First "
        + str(len(header)).encode()
        + b" /Filter /FlateDecode /Length "
        + str(len(data)).encode()
        + b" >>\nstream\n"
        + data
        + b"\nendstream\nendobj\ntrailer << /Root 2 0 R >>\n%%EOF\n"
    )


def javascript_pdf() -> bytes:
    return pdf(root={"/OpenAction": action("/JavaScript", JS=TextStringObject("app.alert(1)"))})


def office(part: str, *extra: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<xml/>")
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def accounts_workbook(*extra: tuple[str, bytes]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Inntekter", 1284600])
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not extra:
        return buffer.getvalue()
    with zipfile.ZipFile(buffer, "a") as archive:
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def weasyprint_pdf() -> bytes:
    from weasyprint import HTML

    html = '<h1>Søknad</h1><p>Se <a href="https://www.imdi.no/">imdi.no</a>.</p>'
    return HTML(string=html).write_pdf()


# --- Our own check for active content (no scanner needed) ---------------------------------


@pytest.mark.parametrize(
    ("data", "found"),
    [
        pytest.param(javascript_pdf(), "/JavaScript", id="JavaScript as the open action"),
        pytest.param(
            pdf(page={"/AA": DictionaryObject({NameObject("/O"): action("/GoTo")})}),
            "/AA",
            id="an additional action on opening a page",
        ),
        pytest.param(
            pdf(root={"/OpenAction": action("/Launch", F=TextStringObject("cmd.exe"))}),
            "/Launch",
            id="launching a program",
        ),
        pytest.param(
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /J#61vaScript "
            b"/J#53 (app.alert(1)) >> >>\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
            "/JavaScript",
            id="names written with #xx escapes",
        ),
        pytest.param(
            pdf_with_object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>"),
            "/JavaScript",
            id="JavaScript inside a compressed object stream",
        ),
        pytest.param(
            pdf_with_object_stream(b"<< /JS (app.alert(1)) >>", note=b"/Title (obj)"),
            "/JS",
            id="a script in an object stream whose dictionary has the word obj in a string",
        ),
        pytest.param(
            b"%PDF-1.4\n1 0 obj << /Length 5 >> stream\nAAAAA\n2 0 obj << /S /JavaScript "
            b"/JS (app.alert(1)) >> endobj\nendstream endobj\ntrailer << >>\n%%EOF\n",
            "/JavaScript",
            id="a script hidden where a stream seems to go on (readers go by /Length)",
        ),
        pytest.param(
            pdf_with_object_stream(b"<<>>", compress=lambda data: os.urandom(64)),
            "unreadable: PDF object stream (encrypted or damaged)",
            id="an object stream that cannot be read (encrypted)",
        ),
    ],
)
def test_a_pdf_that_runs_something_by_itself_is_found(data, found):
    assert pdf_active_content(data) == found


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(PLAIN_PDF, id="a minimal PDF"),
        pytest.param(pdf(), id="a PDF written by pypdf"),
        pytest.param(weasyprint_pdf(), id="a PDF with a link and object streams (WeasyPrint)"),
        pytest.param(
            b"%PDF-1.4\n3 0 obj\n<< /Length 20 >>\nstream\nBT (/JS /AA) Tj ET\nendstream\n"
            b"endobj\ntrailer << >>\n%%EOF\n",
            id="text on a page that reads /JS",
        ),
    ],
)
def test_an_ordinary_pdf_is_not_flagged(data):
    assert pdf_active_content(data) is None


def test_short_names_in_stream_data_are_not_taken_for_dictionaries():
    """A 4 MB image or font could spell "/JS " by chance; only dictionaries count for them."""
    noise = bytearray(os.urandom(4 * 1024 * 1024))
    noise[1000:1004], noise[2_000_000:2_000_004] = b"/JS ", b"/AA "
    data = (
        b"%PDF-1.4\n3 0 obj\n<< /Length "
        + str(len(noise)).encode()
        + b" >>\nstream\n"
        + bytes(noise).replace(b"endstream", b"endstreaM")
        + b"\nendstream\nendobj\ntrailer << >>\n%%EOF\n"
    )
    assert pdf_active_content(data) is None


def test_a_crafted_file_is_checked_in_linear_time():
    """Half a million stream starts and no end: one search forward, not one per start."""
    data = b"%PDF-1.4\n" + b"<< >> stream\n" * 500_000
    began = time.monotonic()
    assert pdf_active_content(data) is None
    assert time.monotonic() - began < 5


def test_the_object_stream_case_is_really_hidden_from_a_plain_search():
    """Without inflating object streams the check would miss it: the bytes hold no /JS."""
    data = pdf_with_object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    assert b"JavaScript" not in data and b"/JS" not in data


def test_a_user_name_never_chooses_the_stored_name():
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", stored_file_name("upload.pdf"))
    assert re.fullmatch(r"[0-9a-f]{32}\.bin", stored_file_name("../../etc/cron.d/job.sh"))
    assert display_name("C:\\Users\\ola\\Søknad.pdf") == "Søknad.pdf"
    assert display_name("../../x\x00y.pdf") == "xy.pdf"
    assert display_name("") == "vedlegg"
    assert download_name("tall.exe", content_type="application/pdf") == "tall.pdf"


# --- Stored names and downloads, through the pages ------------------------------------------


def upload(client, application, name: str, data: bytes):
    return client.post(
        reverse("development:attachment_upload", args=[application.pk]),
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_a_file_is_stored_under_its_checked_type_never_the_users_name(client, draft, applicant):
    client.force_login(applicant)
    upload(client, draft, "budsjett.exe", PLAIN_PDF)
    upload(client, draft, "C:\\Users\\ola\\rapport.html", office("word/document.xml"))
    pdf_file, docx_file = Attachment.objects.order_by("pk")
    folder = f"applications/{draft.pk}/attachments/"
    assert re.fullmatch(re.escape(folder) + r"[0-9a-f]{32}\.pdf", pdf_file.file.name)
    assert re.fullmatch(re.escape(folder) + r"[0-9a-f]{32}\.docx", docx_file.file.name)
    assert (pdf_file.original_name, docx_file.original_name) == ("budsjett.exe", "rapport.html")
    response = client.get(reverse("development:attachment", args=[draft.pk, pdf_file.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="budsjett.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PLAIN_PDF


def test_nothing_is_served_from_media_url_even_in_debug_and_demo_mode(
    client, draft, applicant, settings
):
    client.force_login(applicant)
    upload(client, draft, "plan.pdf", PLAIN_PDF)
    name = Attachment.objects.get().file.name
    settings.DEBUG = True  # as in demo mode (make run), where static() used to serve /media/
    import imdi_grants.urls

    try:
        clear_url_caches()
        importlib.reload(imdi_grants.urls)
        for path in (f"/media/{name}", f"/{name}"):
            with pytest.raises(Resolver404):
                resolve(path)
            assert client.get(path).status_code == 404
    finally:
        settings.DEBUG = False
        importlib.reload(imdi_grants.urls)
        clear_url_caches()


def test_no_template_or_view_links_to_a_stored_file_by_its_url():
    """Every file is reached through a view that checks access: no ``.url`` of a file field
    (``file``, ``document``, ``accounts_file``) in a template or in the apps' code."""
    offenders = []
    for folder in ("templates", "applications", "grants", "reporting", "imdi_grants", "schemes"):
        for path in (ROOT / folder).rglob("*"):
            if "migrations" in path.parts or path.suffix not in {".html", ".py"}:
                continue
            text = path.read_text(encoding="utf-8")
            for match in re.finditer(r"\b\w*(file|document)\.url\b", text):
                offenders.append(f"{path.relative_to(ROOT)}: {match[0]}")
    assert offenders == []


# --- Quarantine by our own check ------------------------------------------------------------


def test_a_pdf_with_javascript_is_quarantined_refused_and_the_uploader_told_why(
    client, draft, applicant, outsider
):
    client.force_login(applicant)
    english(client)
    page = upload(client, draft, "søknad.pdf", javascript_pdf()).content.decode()
    assert "“søknad.pdf” is quarantined: it contains JavaScript" in page
    attachment = Attachment.objects.get()
    assert attachment.scan_status == ScanStatus.QUARANTINED
    assert attachment.scan_result == "active content: PDF /JavaScript"
    assert 'data-testid="scan-quarantined"' in page and "Quarantined: cannot be downloaded" in page
    url = reverse("development:attachment", args=[draft.pk, attachment.pk])
    assert f'href="{url}"' not in page, "a quarantined file is listed without a link"
    response = client.get(url)
    assert response.status_code == 403
    assert "This file is quarantined" in response.content.decode()
    entry = AuditEntry.objects.get(action="imdi.security.upload_quarantined")
    assert entry.data["result"] == "active content: PDF /JavaScript"
    assert not AuditEntry.objects.filter(action="imdi.security.attachment_downloaded").exists()
    client.force_login(outsider)
    assert client.get(url).status_code == 404, "access is checked before the quarantine"


def test_a_quarantined_accounts_form_does_not_count_as_the_required_attachment(
    client, accepted_grant, applicant
):
    """IMDi's accounts form with macros (vbaProject.bin, an .xlsm under an .xlsx name)."""
    report = accepted_grant.reports.get(kind="annual")
    macros = accounts_workbook(("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro"))
    report = reports.report_save(
        report=report,
        by=applicant,
        fields={},
        activities={},
        accounts_file=SimpleUploadedFile("regnskap.xlsx", macros),
    )
    assert report.accounts_file_scan_status == ScanStatus.QUARANTINED
    assert report.accounts_file_scan_result == "active content: Office macros (xl/vbaProject.bin)"
    assert report.accounts_file.name.endswith(".xlsx")
    assert report.accounts_file_name == "regnskap.xlsx"
    problems = reports.report_problems(report)
    assert any("quarantined" in p or "karantene" in p for p in problems)
    with pytest.raises(DomainError):
        reports.report_submit(report=report, by=applicant)
    client.force_login(applicant)
    english(client)
    page = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert 'data-testid="scan-quarantined"' in page
    assert client.get(reverse("reporting:accounts_file", args=[report.pk])).status_code == 403

    report = reports.report_save(
        report=report,
        by=applicant,
        fields={},
        activities={},
        accounts_file=SimpleUploadedFile("regnskap.xlsx", accounts_workbook()),
    )
    assert report.accounts_file_scan_status == ScanStatus.UNSCANNED
    assert not any("quarantined" in p or "karantene" in p for p in reports.report_problems(report))


def test_a_partnership_agreement_with_a_quarantined_pdf_does_not_count(
    client, year_2024, municipality, caseworker
):
    fields = {
        "asylum_reception_centre": "Drammen asylmottak",
        "career_centre": "Karrieresenteret i Buskerud",
        "nav_office": "NAV Drammen",
        "valid_from": dt.date(2024, 1, 1),
        "valid_to": None,
        "responsibilities": "Mottaket melder beboere.",
    }
    quarantined = reception.partnership_agreement_register(
        organisation=municipality,
        by=caseworker,
        document=SimpleUploadedFile("avtale.pdf", javascript_pdf()),
        **fields,
    )
    assert quarantined.document_scan_status == ScanStatus.QUARANTINED
    assert quarantined.document.name.endswith(".pdf")
    period = {"start": dt.date(2024, 1, 1), "end": dt.date(2024, 12, 31)}
    assert reception.valid_partnership_agreement(organisation=municipality, **period) is None
    client.force_login(caseworker)
    url = reverse("reception:partnership_pdf", args=[quarantined.pk])
    assert client.get(url).status_code == 403
    clean = reception.partnership_agreement_register(
        organisation=municipality,
        by=caseworker,
        document=SimpleUploadedFile("avtale.pdf", PLAIN_PDF),
        **fields,
    )
    assert reception.valid_partnership_agreement(organisation=municipality, **period) == clean
    response = client.get(reverse("reception:partnership_pdf", args=[clean.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="avtale.pdf"'


# --- Unscanned: no clamd, for real ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "result"),
    [
        ("", "unscanned: ClamAV is not configured"),
        ("closed-port", "unscanned: ClamAV unreachable ([Errno 111] Connection refused)"),
        ("unix:///nonexistent/clamd.ctl", "unscanned: ClamAV unreachable ([Errno 2] No such"),
    ],
)
def test_without_a_reachable_clamd_the_file_is_kept_as_unscanned_and_the_pages_say_so(
    client, complete, applicant, signatory, caseworker, settings, url, result
):
    settings.CLAMAV_URL = f"tcp://127.0.0.1:{closed_port()}" if url == "closed-port" else url
    client.force_login(applicant)
    english(client)
    page = upload(client, complete, "plan.pdf", PLAIN_PDF).content.decode()
    assert "“plan.pdf” is uploaded." in page
    assert "“plan.pdf” has not been virus-scanned" in page
    attachment = Attachment.objects.get()
    assert attachment.scan_status == ScanStatus.UNSCANNED
    assert attachment.scan_result.startswith(result)
    assert 'data-testid="scan-unscanned"' in page and "Not virus-scanned" in page
    download = reverse("development:attachment", args=[complete.pk, attachment.pk])
    assert client.get(download).status_code == 200, "an unscanned file is kept and served"

    application_submit(application=complete, by=signatory, at=IN_TIME)
    impartial(caseworker, complete)
    client.force_login(caseworker)
    english(client)
    page = client.get(reverse("development:detail", args=[complete.pk])).content.decode()
    assert 'data-testid="scan-unscanned"' in page and "Not virus-scanned" in page


def test_an_appeal_attachment_shows_its_scan_to_the_organisation_and_to_imdi(
    client,
    dismissed,  # noqa: F811
    signatory,
    assessor_a,  # noqa: F811
):
    client.force_login(signatory)
    english(client)
    page = client.post(
        reverse("appeals:create") + f"?vedtak={dismissed.pk}",
        {
            "text": "Vi har tolv deltakere.",
            "files": [
                SimpleUploadedFile("liste.pdf", PLAIN_PDF),
                SimpleUploadedFile("skjult.pdf", javascript_pdf()),
            ],
        },
        follow=True,
    ).content.decode()
    assert "“skjult.pdf” is quarantined" in page and "“liste.pdf” has not been virus" in page
    appeal = Appeal.objects.get()
    listed, hidden = appeal.attachments.order_by("pk")
    assert (listed.scan_status, hidden.scan_status) == ("unscanned", "quarantined")
    for user in (signatory, assessor_a):
        client.force_login(user)
        english(client)
        page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
        assert 'data-testid="scan-unscanned"' in page and 'data-testid="scan-quarantined"' in page
        hidden_url, listed_url = (
            reverse("appeals:attachment", args=[appeal.pk, a.pk]) for a in (hidden, listed)
        )
        assert client.get(hidden_url).status_code == 403
        assert client.get(listed_url).status_code == 200


# --- ClamAV: a real clamd ------------------------------------------------------------------

CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"


def _ping(path: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            sock.connect(path)
            sock.sendall(b"zPING\0")
            return sock.recv(16) == b"PONG\0"
    except OSError:
        return False


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    """Debian's clamd in the foreground, on a unix socket and a local TCP port, with a database
    of one signature (EICAR's) and a stream limit of 1 MB; stopped after the module."""
    assert os.path.exists(CLAMD), "Debian's clamav-daemon is missing: make test installs it"
    folder = tmp_path_factory.mktemp("clamd")
    (folder / "db").mkdir()
    (folder / "db" / "eicar.ndb").write_text(f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n")
    port = closed_port()
    (folder / "clamd.conf").write_text(
        "Foreground yes\n"
        f"LocalSocket {folder}/clamd.sock\n"
        f"TCPSocket {port}\nTCPAddr 127.0.0.1\n"
        f"DatabaseDirectory {folder}/db\n"
        "StreamMaxLength 1M\n"
        f"LogFile {folder}/clamd.log\n"
    )
    process = subprocess.Popen(
        [CLAMD, "-c", str(folder / "clamd.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not _ping(f"{folder}/clamd.sock"):
            assert process.poll() is None, (folder / "clamd.log").read_text(errors="replace")
            assert time.monotonic() < deadline, "clamd did not answer within 60 s"
            time.sleep(0.2)
        yield {"unix": f"unix://{folder}/clamd.sock", "tcp": f"tcp://127.0.0.1:{port}"}
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("where", ["unix", "tcp"])
def test_clamd_finds_eicar_inside_a_docx_and_the_file_is_quarantined(
    client, draft, applicant, settings, clamd, where
):
    settings.CLAMAV_URL = clamd[where]
    client.force_login(applicant)
    english(client)
    infected = office("word/document.xml", ("word/media/eicar.com", EICAR))
    assert EICAR not in infected, "deflated: clamd finds it only by unpacking the file"
    page = upload(client, draft, "rapport.docx", infected).content.decode()
    attachment = Attachment.objects.get()
    assert attachment.scan_status == ScanStatus.QUARANTINED
    assert attachment.scan_result.startswith("virus: Eicar-Test-Signature")
    assert "“rapport.docx” is quarantined: the virus scan found “Eicar-Test-Signature" in page
    download = reverse("development:attachment", args=[draft.pk, attachment.pk])
    assert client.get(download).status_code == 403


def test_clamd_passes_a_clean_file_and_the_page_shows_no_note(
    client, draft, applicant, settings, clamd
):
    settings.CLAMAV_URL = clamd["unix"]
    client.force_login(applicant)
    page = upload(client, draft, "plan.pdf", weasyprint_pdf()).content.decode()
    attachment = Attachment.objects.get()
    assert (attachment.scan_status, attachment.scan_result) == ("clean", "ClamAV: OK")
    assert attachment.scanned_at is not None
    assert "scan-unscanned" not in page and "scan-quarantined" not in page


def test_a_file_clamd_refuses_to_scan_is_kept_as_unscanned(settings, clamd):
    """clamd answers ERROR past its StreamMaxLength (1 MB here); the file is not called clean."""
    big = PLAIN_PDF + b"%" + b"0" * (2 * 1024 * 1024)
    assert "size limit exceeded" in clamd_instream(big, url=clamd["unix"])
    settings.CLAMAV_URL = clamd["tcp"]
    outcome = scanning.scan(big, kind="pdf")
    assert outcome.status == ScanStatus.UNSCANNED
    assert outcome.result == "unscanned: ClamAV INSTREAM size limit exceeded. ERROR"
