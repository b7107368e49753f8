"""Backup and restore (issue 12): a backup of the database and MEDIA_ROOT restores into a new,
empty database, the check against the manifest finds every row and file, and it names any table
or file that differs."""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation
from psycopg import sql

from imdi_grants.audit.models import AuditEntry
from imdi_grants.operations import services
from tests.reception_fixtures import MINIMAL_PDF

EXTRA_FILE = "brev/år 2024/vedlegg æøå.pdf"
EXTRA_BYTES = b"%PDF-1.4\n% not a letter, just bytes with a name in Norwegian\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english():
    """The messages asserted below are the English msgids (the portal's default is nb)."""
    with translation.override("en"):
        yield


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def committed_case(transactional_db, media_root, offer):
    """Committed rows (agreement, partnership agreement with its PDF, offer, audit entries,
    e-mails in the outbox) and one more file in MEDIA_ROOT that no row names."""
    extra = media_root / EXTRA_FILE
    extra.parent.mkdir(parents=True)
    extra.write_bytes(EXTRA_BYTES)
    return offer


def _admin_connection() -> psycopg.Connection:
    params = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        autocommit=True,
    )


@pytest.fixture
def empty_database():
    """A new, empty database with a name of this test run's own; dropped even when the test
    fails. Yields its URL."""
    params = connection.settings_dict
    name = f"{params['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with _admin_connection() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        credentials = quote(params["USER"]) + (
            ":" + quote(params["PASSWORD"]) if params["PASSWORD"] else ""
        )
        yield f"postgres://{credentials}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
    finally:
        with _admin_connection() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _restored(url: str) -> psycopg.Connection:
    return services.database_from_url(url=url).connect()


def test_backup_restores_into_an_empty_database_and_a_difference_is_named(
    committed_case, media_root, empty_database, tmp_path, capsys
):
    partnership = committed_case.organisation.partnership_agreements.get()
    audit_entries = AuditEntry.objects.count()
    assert audit_entries > 0

    call_command("backup", to=tmp_path / "backup")
    backup = tmp_path / "backup"
    manifest = services.manifest_read(source=backup)
    assert sorted(p.name for p in backup.iterdir()) == [
        "database.dump",
        "manifest.json",
        "media.tar",
    ]
    assert oct(backup.stat().st_mode & 0o777) == oct(0o700)
    assert manifest["tables"]["public.reception_partnershipagreement"] == 1
    assert manifest["tables"]["public.audit_auditentry"] == audit_entries
    assert manifest["tables"]["public.django_migrations"] == sum(
        len(names) for names in manifest["migrations"].values()
    )
    assert "0001_initial" in manifest["migrations"]["reception"]
    assert manifest["files"] == {
        partnership.document.name: {
            "sha256": hashlib.sha256(MINIMAL_PDF).hexdigest(),
            "size": len(MINIMAL_PDF),
        },
        EXTRA_FILE: {"sha256": hashlib.sha256(EXTRA_BYTES).hexdigest(), "size": len(EXTRA_BYTES)},
    }
    assert manifest["taken_at"].endswith("+00:00")

    # Restore into the new database and an empty folder: everything matches.
    restored_media = tmp_path / "restored-media"
    call_command("restore", source=backup, database_url=empty_database, media_root=restored_media)
    report = capsys.readouterr().out
    assert f"tables: {len(manifest['tables'])}, " in report
    assert "Every table and file matches the backup." in report
    verification = services.backup_verify(
        source=backup, database_url=empty_database, media_root=restored_media
    )
    assert verification.ok, verification.differences
    assert verification.tables == len(manifest["tables"]) > 30
    assert verification.files == 2
    with _restored(empty_database) as restored:
        assert restored.execute("SELECT count(*) FROM audit_auditentry").fetchone()[0] == (
            audit_entries
        )
        stored = restored.execute(
            "SELECT document FROM reception_partnershipagreement WHERE id = %s", [partnership.pk]
        ).fetchone()[0]
    assert (restored_media / stored).read_bytes() == MINIMAL_PDF
    assert (restored_media / EXTRA_FILE).read_bytes() == EXTRA_BYTES

    # A second restore into the same database is refused: it is not empty any more.
    with pytest.raises(CommandError, match="is not empty"):
        call_command(
            "restore", source=backup, database_url=empty_database, media_root=tmp_path / "other"
        )

    # Tamper with the restored copy: one audit entry gone, one file changed, one file gone.
    with _restored(empty_database) as restored:
        restored.execute(
            "DELETE FROM audit_auditentry WHERE id = (SELECT max(id) FROM audit_auditentry)"
        )
    (restored_media / stored).write_bytes(MINIMAL_PDF + b"tampered")
    (restored_media / EXTRA_FILE).unlink()

    with pytest.raises(CommandError, match="in 3 places"):
        call_command(
            "restore",
            source=backup,
            database_url=empty_database,
            media_root=restored_media,
            verify_only=True,
        )
    report = capsys.readouterr().out
    assert "public.audit_auditentry" in report
    assert stored in report
    assert EXTRA_FILE in report
    verification = services.backup_verify(
        source=backup, database_url=empty_database, media_root=restored_media
    )
    assert [(d.kind, d.name, d.expected, d.found) for d in verification.differences] == [
        ("table", "public.audit_auditentry", str(audit_entries), str(audit_entries - 1)),
        ("file", EXTRA_FILE, hashlib.sha256(EXTRA_BYTES).hexdigest(), None),
        (
            "file",
            stored,
            hashlib.sha256(MINIMAL_PDF).hexdigest(),
            hashlib.sha256(MINIMAL_PDF + b"tampered").hexdigest(),
        ),
    ]


def test_a_damaged_backup_is_refused_before_anything_is_restored(
    committed_case, media_root, empty_database, tmp_path
):
    backup = tmp_path / "backup"
    services.backup_create(to=backup, media_root=media_root)
    with (backup / "media.tar").open("ab") as archive:
        archive.write(b"\0")

    with pytest.raises(services.BackupError, match=r"media\.tar"):
        services.backup_restore(
            source=backup, database_url=empty_database, media_root=tmp_path / "restored"
        )
    with _restored(empty_database) as restored:
        assert restored.execute(services.RELATIONS_SQL).fetchall() == []
    assert not (tmp_path / "restored").exists()


def test_backup_refuses_sqlite_and_a_used_directory(transactional_db, tmp_path):
    with pytest.raises(services.BackupError, match="PostgreSQL"):
        services.database_from_settings(
            settings_dict={"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}
        )
    used = tmp_path / "used"
    used.mkdir()
    (used / "something").write_text("x")
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("backup", to=used)


def test_the_row_counts_are_of_the_dumped_snapshot_while_others_write(
    transactional_db, media_root, empty_database, tmp_path
):
    """Sessions are written all through the backup; the counts in the manifest are still the
    dump's, because both come from one snapshot."""
    stop = threading.Event()
    written = []

    def write_sessions() -> None:
        params = connection.settings_dict
        with psycopg.connect(
            dbname=params["NAME"],
            host=params["HOST"] or None,
            port=params["PORT"] or None,
            user=params["USER"] or None,
            password=params["PASSWORD"] or None,
            autocommit=True,
        ) as writer:
            while not stop.is_set():
                writer.execute(
                    "INSERT INTO django_session (session_key, session_data, expire_date) "
                    "VALUES (%s, '', now())",
                    [uuid.uuid4().hex],
                )
                written.append(1)

    writer = threading.Thread(target=write_sessions)
    writer.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        manifest = services.backup_create(to=tmp_path / "backup", media_root=media_root)
        during = len(written)
    finally:
        stop.set()
        writer.join()
    assert 20 < manifest["tables"]["public.django_session"] < len(written)
    assert during > manifest["tables"]["public.django_session"]

    verification = services.backup_restore(
        source=tmp_path / "backup", database_url=empty_database, media_root=tmp_path / "restored"
    )
    assert verification.ok, verification.differences
