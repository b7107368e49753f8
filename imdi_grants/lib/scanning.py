"""Every uploaded file is scanned before anyone can download it.

Two checks, in this order:

1. Our own check for active content, which needs nothing installed: a PDF with JavaScript or
   another action that runs by itself (``/JS``, ``/JavaScript``, ``/AA``, ``/Launch``, an XFA
   form), also inside compressed object streams and behind ``#xx`` escapes in names; an Office
   file with macros (``vbaProject.bin``). Such a file is quarantined.
2. ClamAV's daemon (Debian's ``clamav-daemon``) through its INSTREAM command, on the unix socket
   or host:port in ``settings.CLAMAV_URL``. A virus (EICAR included) is quarantined; clamd not
   configured, not running or answering an error leaves the file *unscanned*, and the pages that
   list it say so.

The protocol is spoken here (about forty lines) rather than through a package: PyPI's ``clamd``
has had no release since 2014, and ``clamav-client``, which is kept up, would be a dependency for
one command with a length-prefixed stream; this way the timeouts and what counts as "unscanned"
are ours, and the tests run it against a real clamd.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import socket
import struct
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


class ScanStatus(models.TextChoices):
    CLEAN = "clean", _("virus-scanned, clean")
    UNSCANNED = "unscanned", _("not virus-scanned")
    QUARANTINED = "quarantined", _("quarantined")


def scan_status_field() -> models.CharField:
    """A file row's status; rows from before scanning existed were never scanned."""
    return models.CharField(
        _("virus scan"), max_length=12, choices=ScanStatus.choices, default=ScanStatus.UNSCANNED
    )


def scanned_at_field() -> models.DateTimeField:
    return models.DateTimeField(_("checked"), null=True, blank=True)


def scan_result_field() -> models.CharField:
    return models.CharField(_("scan result"), max_length=200, blank=True)


class ScannedFile(models.Model):
    """The scan fields of a model that holds one uploaded file (an attachment)."""

    scan_status = scan_status_field()
    scanned_at = scanned_at_field()
    scan_result = scan_result_field()

    class Meta:
        abstract = True

    @property
    def is_quarantined(self) -> bool:
        return self.scan_status == ScanStatus.QUARANTINED


@dataclass(frozen=True)
class Scan:
    """What the scan found: the status to store and a short technical result, e.g.
    ``virus: Eicar-Test-Signature`` or ``unscanned: ClamAV not configured``."""

    status: str
    result: str
    at: dt.datetime

    def fields(self, prefix: str = "") -> dict[str, object]:
        """The model fields to set, named ``<prefix>scan_status`` and so on."""
        return {
            f"{prefix}scan_status": self.status,
            f"{prefix}scanned_at": self.at,
            f"{prefix}scan_result": self.result[:200],
        }


# --- Active content -----------------------------------------------------------------------------

# A name token: a slash and the regular characters after it (PDF 1.7, 7.3.5).
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Where a stream's data begins: its dictionary's end, the keyword and an end of line.
_STREAM_START = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
# Names that make a PDF run something on its own: JavaScript (an action's type, also of
# /OpenAction or a form field, and the document's JavaScript name tree), launching a program,
# the script of a JavaScript action, additional actions on events, XFA forms (scripted). The
# long ones are looked for in the whole file, stream data too, where bytes never spell them by
# chance; the short ones only in dictionaries (outside streams and in object streams), as an
# image or a font could hold "/JS " among millions of bytes.
ANYWHERE = (b"JavaScript", b"Launch")
IN_DICTIONARIES = (*ANYWHERE, b"JS", b"AA", b"XFA")
OTHER_FILTERS = {b"ASCIIHexDecode", b"ASCII85Decode", b"LZWDecode", b"RunLengthDecode", b"Crypt"}
# Object streams hold only dictionaries, so inflating them stays small; a file that needs more
# than this to be read is not checked but quarantined.
MAX_INFLATED = 32 * 1024 * 1024


def _names(text: bytes) -> set[bytes]:
    return {_HEX_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), n) for n in _NAME.findall(text)}


def _first(names: set[bytes], wanted: tuple[bytes, ...]) -> str | None:
    """The first of ``wanted`` among ``names``, as the name is written (``/JavaScript``)."""
    return next((f"/{name.decode()}" for name in wanted if name in names), None)


def pdf_active_content(data: bytes) -> str | None:
    """The first active-content name in a PDF, or ``unreadable: …`` when an object stream
    cannot be read (encrypted, damaged, too big), or None.

    Dictionaries are read outside streams and inside object streams (inflated: Word and
    WeasyPrint put most objects there, where nothing of them shows in the file's bytes). A
    stream's data runs to the next ``endstream``; one search forward, so a crafted file costs
    linear time."""
    if found := _first(_names(data), ANYWHERE):
        return found
    outside, start, position, inflated = [], 0, 0, 0
    while match := _STREAM_START.search(data, position):
        end = data.find(b"endstream", match.end())
        if end < 0:  # no end: the rest is read as dictionaries
            break
        # The objects since the previous stream, this stream's dictionary last. Its names are
        # taken whole, so a string holding "obj" cannot cut the dictionary short.
        head = data[start : match.start() + 2]
        outside.append(head)
        start = position = end + len(b"endstream")
        names = _names(head)
        if b"ObjStm" not in names:
            continue
        stream = data[match.end() : end]
        if b"Filter" not in names:
            objects = stream
        elif b"FlateDecode" in names and not names & OTHER_FILTERS:
            try:
                objects = zlib.decompressobj().decompress(stream, MAX_INFLATED - inflated + 1)
            except zlib.error:  # encrypted (its bytes are no zlib stream then) or damaged
                return "unreadable: PDF object stream (encrypted or damaged)"
        else:
            return "unreadable: PDF object stream (not Flate-compressed)"
        inflated += len(objects)
        if inflated > MAX_INFLATED:
            return "unreadable: PDF object streams too large to check"
        if found := _first(_names(objects), IN_DICTIONARIES):
            return found
    outside.append(data[start:])
    return _first(_names(b"\n".join(outside)), IN_DICTIONARIES)


def office_macros(data: bytes) -> str | None:
    """``vbaProject.bin`` in a DOCX or XLSX: a macro-enabled file under an ordinary name."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return None
    return next((n for n in names if n.lower().endswith("vbaproject.bin")), None)


def active_content(data: bytes, *, kind: str) -> str | None:
    """A short result when the file has active content (or could not be checked for it)."""
    if kind == "pdf":
        found = pdf_active_content(data)
        if found and found.startswith("unreadable"):
            return found
        return f"active content: PDF {found}" if found else None
    macros = office_macros(data)
    return f"active content: Office macros ({macros})" if macros else None


# --- ClamAV -------------------------------------------------------------------------------------

CHUNK = 64 * 1024


class ClamdUnavailable(OSError):
    """``CLAMAV_URL`` names no socket, or clamd gave no answer."""


def _connect(url: str, timeout: float) -> socket.socket:
    """A connection to clamd: ``unix:///run/clamav/clamd.ctl`` (or the bare path) or
    ``tcp://host:3310`` (or ``host:3310``)."""
    if url.startswith("/"):
        url = f"unix://{url}"
    elif "://" not in url:
        url = f"tcp://{url}"
    parts = urlsplit(url)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(parts.path)
        except OSError:
            sock.close()
            raise
        return sock
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        return socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    raise ClamdUnavailable(f"CLAMAV_URL {url!r} is neither unix://PATH nor tcp://HOST:PORT")


def clamd_instream(data: bytes, *, url: str, timeout: float = 30.0) -> str:
    """clamd's verdict on ``data`` through INSTREAM: ``OK``, ``<signature> FOUND`` or
    ``<reason> ERROR``. Raises ``OSError`` when clamd cannot be reached or does not answer."""
    with _connect(url, timeout) as sock:
        sock.sendall(b"zINSTREAM\0")
        try:
            for offset in range(0, len(data), CHUNK):
                chunk = data[offset : offset + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
        except OSError:
            # clamd answers and hangs up when the stream passes its StreamMaxLength; read that.
            pass
        reply = b""
        while not reply.endswith(b"\0") and len(reply) < 4096:
            part = sock.recv(4096)
            if not part:
                break
            reply += part
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if not answer:
        raise ClamdUnavailable("clamd closed the connection without an answer")
    return answer.removeprefix("stream:").strip()


def scan(data: bytes, *, kind: str) -> Scan:
    """Scan an upload's bytes; never raises for a scanner that is away (the file is then
    *unscanned*)."""
    now = timezone.now()
    if found := active_content(data, kind=kind):
        return Scan(ScanStatus.QUARANTINED, found, now)
    url = getattr(settings, "CLAMAV_URL", "")
    if not url:
        return Scan(ScanStatus.UNSCANNED, "unscanned: ClamAV is not configured", now)
    try:
        verdict = clamd_instream(data, url=url, timeout=getattr(settings, "CLAMAV_TIMEOUT", 30.0))
    except OSError as exc:
        log.warning("ClamAV at %s could not scan an upload: %s", url, exc)
        return Scan(ScanStatus.UNSCANNED, f"unscanned: ClamAV unreachable ({exc})", now)
    if verdict == "OK":
        return Scan(ScanStatus.CLEAN, "ClamAV: OK", now)
    if verdict.endswith(" FOUND"):
        log.warning("ClamAV found %s in an upload", verdict)
        return Scan(ScanStatus.QUARANTINED, f"virus: {verdict.removesuffix(' FOUND')}", now)
    log.warning("ClamAV could not scan an upload: %s", verdict)
    return Scan(ScanStatus.UNSCANNED, f"unscanned: ClamAV {verdict}", now)
