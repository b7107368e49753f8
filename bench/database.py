"""The bench scripts' own databases: dropped and created again, only on PostgreSQL and only
when the name says "bench", so a mistyped DATABASE_URL never drops real data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def recreate_bench_database() -> str:
    """Drop and create the database of Django's default connection (set up already); returns
    its name. Exits when it is not PostgreSQL or its name lacks "bench"."""
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL); SQLite is refused.")
    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(f"The database {name!r} would be dropped: its name must contain 'bench'.")
    where = ["-h", settings_dict["HOST"] or "127.0.0.1", "-U", settings_dict["USER"] or "postgres"]
    if settings_dict.get("PORT"):
        where += ["-p", str(settings_dict["PORT"])]
    connection.close()
    subprocess.run(["dropdb", *where, "--if-exists", name], check=True)
    subprocess.run(["createdb", *where, name], check=True)
    return name


def generate_volume(*, applications: int, env: dict[str, str]) -> None:
    """Fill the database in ``env``'s DATABASE_URL with ``bench/generate.py`` in a process of
    its own (it drops and recreates that database)."""
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--applications", str(applications)],
        env=env,
        check=True,
    )
