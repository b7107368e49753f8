"""Backup and restore of the portal: its PostgreSQL database and the files under MEDIA_ROOT.

A backup is a directory of three files: ``database.dump`` (``pg_dump -Fc``), ``media.tar`` (every
file under MEDIA_ROOT) and ``manifest.json`` (when, which migrations, the exact row count of every
table, the SHA-256 of every file and of the two archives). The manifest is written last, so a
directory without one is not a backup.

The row counts come from the same snapshot as the dump: one REPEATABLE READ transaction exports
its snapshot (``pg_export_snapshot``), counts every table and keeps the snapshot open while
``pg_dump --snapshot`` dumps exactly what was counted. The files are archived after the dump, so
every file a dumped row names is already on disk (a file is stored before its row commits).

A restore goes only into an empty database and an empty media folder, and is then checked
against the manifest table by table and file by file, so a restore that lost anything says what.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import environ
import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _
from psycopg import sql
from psycopg.conninfo import make_conninfo

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media.tar"
POSTGRESQL = "django.db.backends.postgresql"
# libpq parameters in a database's OPTIONS that pg_dump and pg_restore need as well as Django.
LIBPQ_OPTIONS = {
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "connect_timeout",
    "options",
    "target_session_attrs",
}
# Every table the database's users made: schemas named pg_* are PostgreSQL's own.
TABLES_SQL = """
    SELECT n.nspname, c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    ORDER BY 1, 2
"""
# Anything a restore could collide with: tables, views, sequences, foreign tables.
RELATIONS_SQL = """
    SELECT n.nspname || '.' || c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    ORDER BY 1
    LIMIT 3
"""


class BackupError(Exception):
    """A backup or restore was refused or failed; ``str(error)`` is for the operator."""


@dataclass(frozen=True)
class Database:
    """A PostgreSQL database as libpq wants it. The password goes to pg_dump and pg_restore in
    the environment (``PGPASSWORD``), never on a command line that ``ps`` shows."""

    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""
    options: Mapping[str, str] | None = None

    def conninfo(self) -> str:
        params = {"dbname": self.name, "host": self.host, "port": self.port, "user": self.user}
        params.update(self.options or {})
        return make_conninfo(**{key: value for key, value in params.items() if value})

    def environment(self) -> dict[str, str]:
        environment = dict(os.environ)
        if self.password:
            environment["PGPASSWORD"] = self.password
        return environment

    def connect(self) -> psycopg.Connection:
        if self.password:
            return psycopg.connect(self.conninfo(), password=self.password)
        return psycopg.connect(self.conninfo())


@dataclass(frozen=True)
class Difference:
    """One way a restored copy differs from its backup. ``expected`` is None for what the backup
    does not have, ``found`` is None for what the restored copy lacks."""

    kind: str  # "table", "file" or "migrations"
    name: str
    expected: str | None
    found: str | None


@dataclass(frozen=True)
class Verification:
    manifest: dict[str, Any]
    tables: int
    rows: int
    files: int
    differences: tuple[Difference, ...]

    @property
    def ok(self) -> bool:
        return not self.differences


def database_from_settings(*, settings_dict: Mapping[str, Any]) -> Database:
    """The database of a Django ``DATABASES`` entry; refuses anything but PostgreSQL."""
    engine = settings_dict.get("ENGINE")
    if engine != POSTGRESQL:
        raise BackupError(
            _("Backups are made with pg_dump and need PostgreSQL; this database is %(engine)s.")
            % {"engine": engine}
        )
    options = settings_dict.get("OPTIONS") or {}
    return Database(
        name=str(settings_dict["NAME"]),
        host=str(settings_dict.get("HOST") or ""),
        port=str(settings_dict.get("PORT") or ""),
        user=str(settings_dict.get("USER") or ""),
        password=str(settings_dict.get("PASSWORD") or ""),
        options={key: str(value) for key, value in options.items() if key in LIBPQ_OPTIONS},
    )


def database_from_url(*, url: str) -> Database:
    """The database of a ``postgres://`` URL (read as ``DATABASE_URL`` is)."""
    return database_from_settings(settings_dict=environ.Env.db_url_config(url))


def backup_create(
    *, to: Path, media_root: Path, database: str = DEFAULT_DB_ALIAS
) -> dict[str, Any]:
    """Dump ``database`` and archive ``media_root`` into the new or empty directory ``to``;
    returns the manifest. The directory and its files are readable by their owner only: they
    hold every person's data in the portal."""
    source = database_from_settings(settings_dict=connections[database].settings_dict)
    pg_dump = _tool("pg_dump")
    dump_version, dump_major = _tool_version(pg_dump)
    _require_empty_directory(to)
    to.mkdir(parents=True, exist_ok=True)
    to.chmod(0o700)
    dump_path = to / DUMP

    with source.connect() as conn:
        server_version = conn.info.parameter_status("server_version") or ""
        server_major = conn.info.server_version // 10000
        if dump_major < server_major:
            raise BackupError(
                _(
                    "pg_dump %(client)s cannot dump a PostgreSQL %(server)s server; install "
                    "the PostgreSQL %(major)s client."
                )
                % {"client": dump_version, "server": server_version, "major": server_major}
            )
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            # The first statement fixes the transaction's snapshot; pg_dump dumps that snapshot
            # while this transaction stays open, so the counts below are the dump's.
            cursor.execute("SELECT pg_export_snapshot(), now()")
            snapshot, taken_at = cursor.fetchone()
            tables = _row_counts(cursor)
            migrations = _migrations(cursor)
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot}",
                    f"--file={dump_path}",
                    f"--dbname={source.conninfo()}",
                ],
                environment=source.environment(),
            )
        conn.rollback()
    dump_path.chmod(0o600)

    media_path = to / MEDIA
    files = _media_archive(media_root=media_root, target=media_path)
    media_path.chmod(0o600)

    manifest = {
        "format": FORMAT,
        "taken_at": taken_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "database": {
            "name": source.name,
            "host": source.host,
            "port": source.port,
            "server_version": server_version,
            "pg_dump_version": dump_version,
        },
        "dump": _file_entry(dump_path),
        "media": {**_file_entry(media_path), "root": str(media_root)},
        "migrations": migrations,
        "tables": tables,
        "files": files,
    }
    partial = to / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    partial.chmod(0o600)
    os.replace(partial, to / MANIFEST)
    return manifest


def manifest_read(*, source: Path) -> dict[str, Any]:
    """The manifest of the backup in ``source``; refuses a directory that is not a whole
    backup of this format."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(
            _("%(directory)s has no manifest.json, so it is not a complete backup.")
            % {"directory": source}
        )
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("The backup's manifest has format %(found)s; this portal reads format %(format)s.")
            % {"found": manifest.get("format"), "format": FORMAT}
        )
    return manifest


def backup_restore(*, source: Path, database_url: str, media_root: Path) -> Verification:
    """Restore the backup in ``source`` into the empty database at ``database_url`` and the
    empty (or new) folder ``media_root``, then check it against the manifest."""
    manifest = manifest_read(source=source)
    target = database_from_url(url=database_url)
    pg_restore = _tool("pg_restore")
    restore_version, restore_major = _tool_version(pg_restore)
    dump_version = manifest["database"]["pg_dump_version"]
    if restore_major < _major(dump_version):
        raise BackupError(
            _("pg_restore %(client)s cannot read a dump made by pg_dump %(dump)s.")
            % {"client": restore_version, "dump": dump_version}
        )
    for entry in (manifest["dump"], manifest["media"]):
        if _sha256(source / entry["file"]) != entry["sha256"]:
            raise BackupError(
                _("%(file)s does not match its checksum in the manifest: the backup is damaged.")
                % {"file": source / entry["file"]}
            )
    _require_empty_database(target)
    _require_empty_directory(media_root)

    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={target.conninfo()}",
            str(source / DUMP),
        ],
        environment=target.environment(),
    )
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA) as archive:
        # The "data" filter refuses absolute paths, paths out of the folder, links and devices.
        archive.extractall(media_root, filter="data")
    return _verify(manifest=manifest, target=target, media_root=media_root)


def backup_verify(*, source: Path, database_url: str, media_root: Path) -> Verification:
    """Compare a restored database and media folder with the manifest of ``source`` again."""
    manifest = manifest_read(source=source)
    return _verify(
        manifest=manifest, target=database_from_url(url=database_url), media_root=media_root
    )


# --- helpers --------------------------------------------------------------------------------


def _verify(*, manifest: dict[str, Any], target: Database, media_root: Path) -> Verification:
    with target.connect() as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            counts = _row_counts(cursor)
            migrations = _migrations(cursor)
        conn.rollback()

    differences: list[Difference] = []
    expected_counts: dict[str, int] = manifest["tables"]
    for name in sorted(expected_counts.keys() | counts.keys()):
        expected, found = expected_counts.get(name), counts.get(name)
        if expected != found:
            differences.append(Difference("table", name, _text(expected), _text(found)))

    expected_migrations: dict[str, list[str]] = manifest["migrations"]
    for app in sorted(expected_migrations.keys() | migrations.keys()):
        expected, found = expected_migrations.get(app), migrations.get(app)
        if expected != found:
            differences.append(Difference("migrations", app, _last(expected), _last(found)))

    expected_files: dict[str, dict[str, Any]] = manifest["files"]
    found_files = dict(_media_files(media_root))
    for name in sorted(expected_files.keys() | found_files.keys()):
        expected = expected_files[name]["sha256"] if name in expected_files else None
        found = _sha256(found_files[name]) if name in found_files else None
        if expected != found:
            differences.append(Difference("file", name, expected, found))

    return Verification(
        manifest=manifest,
        tables=len(expected_counts),
        rows=sum(expected_counts.values()),
        files=len(expected_files),
        differences=tuple(differences),
    )


def _row_counts(cursor: psycopg.Cursor) -> dict[str, int]:
    """The exact number of rows in every table (``count(*)``, not the planner's estimate)."""
    cursor.execute(TABLES_SQL)
    counts = {}
    for schema, table in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table)))
        counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def _migrations(cursor: psycopg.Cursor) -> dict[str, list[str]]:
    """The Django migrations applied, per app (what ``migrate`` would build on)."""
    cursor.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _require_empty_database(target: Database) -> None:
    """A restore never merges into or overwrites data: the target must have no tables."""
    with target.connect() as conn:
        found = [row[0] for row in conn.execute(RELATIONS_SQL).fetchall()]
    if found:
        raise BackupError(
            _(
                "The database %(database)s is not empty (it has %(relations)s); restore only "
                "into a new, empty database."
            )
            % {"database": target.name, "relations": ", ".join(found)}
        )


def _require_empty_directory(path: Path) -> None:
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(
            _("%(directory)s is not an empty folder; give a new or empty one.")
            % {"directory": path}
        )


class _HashingReader:
    """Hashes what tarfile reads, so the manifest's checksum is of the bytes in the archive even
    when a file changes while it is archived."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.digest.update(data)
        return data


def _media_archive(*, media_root: Path, target: Path) -> dict[str, dict[str, Any]]:
    """Archive every file under ``media_root`` into ``target``; returns each file's entry."""
    files: dict[str, dict[str, Any]] = {}
    with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as archive:
        for name, path in _media_files(media_root):
            try:
                file = path.open("rb")
            except FileNotFoundError:
                continue  # removed since the folder was listed (a temporary or orphaned file)
            with file:
                info = archive.gettarinfo(arcname=name, fileobj=file)
                reader = _HashingReader(file)
                archive.addfile(info, reader)
            files[name] = {"sha256": reader.digest.hexdigest(), "size": info.size}
    return files


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under ``root`` by its path relative to it; links are not followed."""
    if not root.is_dir():
        return
    for directory, subdirectories, filenames in os.walk(root):
        subdirectories.sort()
        for filename in sorted(filenames):
            path = Path(directory) / filename
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def _file_entry(path: Path) -> dict[str, Any]:
    return {"file": path.name, "sha256": _sha256(path), "size": path.stat().st_size}


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("%(tool)s was not found; install the PostgreSQL client of the server's version.")
            % {"tool": name}
        )
    return path


def _tool_version(path: str) -> tuple[str, int]:
    """``pg_dump (PostgreSQL) 15.20 (Debian …)`` → ``("15.20", 15)``."""
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    match = re.search(r"\)\s*(\d+(?:\.\d+)*)", output.stdout)
    version = match.group(1) if match else output.stdout.strip()
    return version, _major(version)


def _major(version: str) -> int:
    match = re.match(r"\d+", version)
    return int(match.group(0)) if match else 0


def _run(args: list[str], *, environment: dict[str, str]) -> None:
    result = subprocess.run(args, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s failed (exit code %(code)s): %(error)s")
            % {
                "tool": Path(args[0]).name,
                "code": result.returncode,
                "error": result.stderr.strip(),
            }
        )


def _text(count: int | None) -> str | None:
    return None if count is None else str(count)


def _last(applied: list[str] | None) -> str | None:
    """How a list of applied migrations shows in a report: how many, and the last."""
    if not applied:
        return None
    return f"{len(applied)} ({applied[-1]})"
