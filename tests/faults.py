"""Helpers for fault tests that need a PostgreSQL of their own to stop, start and restart.

The shared PostgreSQL at 5432 (and the shared Redis) are never touched: ``private_postgres``
makes a throw-away cluster with ``initdb`` on a free port, with trust authentication and its
socket in its own folder, and always stops and removes it at the end. Run as root (as in the
test containers) the cluster belongs to the ``postgres`` system user, since PostgreSQL refuses
to run as root."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent

#: Environment variables a subprocess of the portal inherits; everything else is set per test.
KEPT_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TZ")


def free_port() -> int:
    """A local TCP port where nothing listens now: bound once by the OS, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bindir() -> Path | None:
    """The newest installed PostgreSQL's ``bin`` with ``initdb`` and ``pg_ctl``, or None."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    return None


def portal_env(**extra: str) -> dict[str, str]:
    """A clean environment for a subprocess of the portal: the settings module and ``extra``,
    nothing of the test run's own configuration by accident."""
    env = {k: v for k, v in os.environ.items() if k in KEPT_ENV}
    env["DJANGO_SETTINGS_MODULE"] = "imdi_grants.settings"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def manage(*args: str, env: Mapping[str, str], timeout: float = 300) -> str:
    """Run ``manage.py`` with ``args`` in a subprocess; its output, or AssertionError."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


def run_script(script: str, *, env: Mapping[str, str], timeout: float = 300) -> str:
    """Run ``script`` (Python that calls ``django.setup()`` itself) in a subprocess of the
    portal; its last line of output, or AssertionError with everything it printed."""
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"{result.stdout}{result.stderr}"
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def spawn(args: list[str], *, env: Mapping[str, str], log: Path) -> subprocess.Popen:
    """Start a process of the portal (a web server, a worker) in a session of its own, with
    its output to ``log``; end it with ``stop_process``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            args,
            cwd=ROOT,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_process(process: subprocess.Popen, log: Path) -> str:
    """Stop a process ``spawn`` started (SIGTERM, a warm shutdown; SIGKILL to its own session
    after 30 s) and return what it logged."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    return log.read_text(errors="replace")


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of the test's own: ``stop``, ``start`` and ``restart`` at will."""

    bindir: Path
    datadir: Path
    socket_dir: Path
    port: int
    user: str | None  # the system user it runs as, when the tests run as root

    def url(self, database: str = "imdi_grants") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 120) -> None:
        result = subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            user=self.user,
            cwd=self.datadir.parent,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}")

    def _pg_ctl(self, action: str, *options: str) -> None:
        self._run(
            "pg_ctl",
            action,
            "-D",
            str(self.datadir),
            "-l",
            str(self.datadir.parent / "postgres.log"),
            "-w",
            "-t",
            "60",
            *options,
        )

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        """``fast`` ends every open connection (what a restart for an upgrade does)."""
        self._pg_ctl("stop", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        self._pg_ctl("restart", "-m", mode)

    def is_running(self) -> bool:
        result = subprocess.run(
            [str(self.bindir / "pg_ctl"), "status", "-D", str(self.datadir)],
            user=self.user,
            capture_output=True,
            timeout=30,
        )
        return result.returncode == 0

    def createdb(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def log(self) -> str:
        path = self.datadir.parent / "postgres.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextlib.contextmanager
def private_postgres(*, bindir: Path) -> Iterator[PrivatePostgres]:
    """A fresh cluster on a free port (trust authentication, user ``postgres``, socket in its
    own folder), started; stopped and deleted afterwards whatever happened."""
    user = "postgres" if os.geteuid() == 0 else None
    # Short and outside pytest's private temporary folder: the postgres user must reach it,
    # and a Unix socket path may not be longer than about 100 characters.
    base = Path(tempfile.mkdtemp(prefix="imdi-pg-"))
    try:
        if user:
            entry = pwd.getpwnam(user)
            os.chown(base, entry.pw_uid, entry.pw_gid)
        cluster = PrivatePostgres(
            bindir=bindir,
            datadir=base / "data",
            socket_dir=base,
            port=free_port(),
            user=user,
        )
        cluster._run(
            "initdb",
            "-D",
            str(cluster.datadir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        with (cluster.datadir / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {cluster.port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{base}'\n"
                "fsync = off\n"
                "full_page_writes = off\n"
                "synchronous_commit = off\n"
            )
        cluster.start()
        try:
            yield cluster
        finally:
            if cluster.is_running():
                cluster.stop(mode="immediate")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def wait_for(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Poll ``predicate`` until it returns something true; that value, or AssertionError."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)
