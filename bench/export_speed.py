"""Benchmark: the background export of a round of 10,000 applications, as XLSX and as CSV.

    .venv/bin/python bench/export_speed.py [--applications 30000] [--reuse] [--json PATH]

fills ``imdi_bench_export`` with ``bench/generate.py`` (30,000 applications: the generator
spreads them over three rounds, so each round has 10,000; ``--reuse`` takes the database as it
is), then requests the queue's export of the round with the most applications the way the
queue's export view does for a large filter (``imdi_grants.exports.services.export_request``,
kind "assessment-queue", as the lead caseworker, so with the scores), and lets a real Celery
worker build it (one process, ``--pool=solo``, so that its peak memory is the export's). For
each format a fresh worker: the seconds from the request until the file is ready, the seconds
the task itself ran, the rows, the file's size and the worker's peak resident memory (VmHWM in
/proc, the kernel's own high-water mark, and its memory idle before the task), against the
targets of issue 11 (XLSX: <= 30 s, < 300 MB). The XLSX is opened again to count its rows.

Its own database (the name must contain "bench"), Redis DBs 4/5 and queue
``imdi-bench-export``; nothing else is touched.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_ENV = {
    "DJANGO_ENV": "test",
    "DEMO_MODE": "false",
    "REDIS_URL": "redis://127.0.0.1:6379/4",
    "CACHE_URL": "redis://127.0.0.1:6379/5",
    "CACHE_KEY_PREFIX": "bench-export",
    "CELERY_QUEUE": "imdi-bench-export",
    "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "imdi_bench_export_media"),
    "EMAIL_URL": "dummymail://",
    "DJANGO_SETTINGS_MODULE": "imdi_grants.settings",
}
WORKER_NAME = "imdi-bench-export@%h"
# The targets of issue 11 (XLSX); the CSV is printed beside it.
SECONDS, MEGABYTES = 30, 300


def _memory_mb(pid: int) -> tuple[int, int]:
    """(resident now, resident at most so far) of one process, from /proc, in MB."""
    now = peak = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) // 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) // 1024
    except OSError:
        pass
    return now, peak


def _start_worker(env: dict) -> subprocess.Popen:
    from imdi_grants.celery import app

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "imdi_grants",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-n",
            WORKER_NAME,
            "-Q",
            app.conf.task_default_queue,
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(60):  # until it answers a ping
        replies = app.control.ping(timeout=1)
        if any(name.startswith("imdi-bench-export@") for reply in replies for name in reply):
            return worker
        if worker.poll() is not None:
            break
    worker.terminate()
    sys.exit("the Celery worker did not start")


def export_once(*, fmt: str, params: dict, user, env: dict) -> dict:
    """One export of ``params`` as ``fmt``, built by a fresh worker; its figures."""
    from imdi_grants.exports.models import ExportJob, ExportStatus
    from imdi_grants.exports.services import export_request

    worker = _start_worker(env)
    try:
        idle_mb, _ = _memory_mb(worker.pid)
        start = time.perf_counter()
        job = export_request(kind="assessment-queue", params=params, fmt=fmt, by=user)
        peak_mb = idle_mb
        while True:
            _, peak_mb = _memory_mb(worker.pid)
            job = ExportJob.objects.get(pk=job.pk)
            if job.is_finished:
                break
            if time.perf_counter() - start > 300:
                sys.exit(f"the {fmt} export did not finish in 300 s")
            time.sleep(0.1)
        elapsed = time.perf_counter() - start
        _, peak_mb = _memory_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    if job.status != ExportStatus.DONE:
        sys.exit(f"the {fmt} export failed: {job.error}")
    rows_in_file = None
    if fmt == "xlsx":
        from openpyxl import load_workbook

        with job.file.open("rb") as source:
            workbook = load_workbook(source, read_only=True)
            # The writer stores no dimensions: count the rows, without the header.
            rows_in_file = sum(1 for _ in workbook.active.iter_rows(values_only=True)) - 1
            workbook.close()
    figures = {
        "format": fmt,
        "rows": job.rows_done,
        "rows_in_file": rows_in_file,
        "seconds": round(elapsed, 2),
        "task_seconds": round((job.finished_at - job.started_at).total_seconds(), 2),
        "peak_mb": peak_mb,
        "idle_mb": idle_mb,
        "file_mb": round(job.file.size / 1e6, 1),
    }
    job.file.delete(save=False)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=30000)
    parser.add_argument("--database", default="imdi_bench_export")
    parser.add_argument("--reuse", action="store_true", help="take the database as it is")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    if "bench" not in args.database:
        sys.exit("The database name must contain 'bench'.")
    env = {
        **os.environ,
        **BENCH_ENV,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
    }
    if not args.reuse:
        sys.path.insert(0, str(ROOT))
        from bench.database import generate_volume

        generate_volume(applications=args.applications, env=env)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import Count

    from applications.development.models import Application
    from imdi_grants.accounts.models import User
    from imdi_grants.celery import app

    lead = User.objects.get(email="bench-lead@imdi.example")
    biggest = (
        Application.objects.filter(case_number__isnull=False)
        .values("scheme_year", "scheme_year__year")
        .annotate(n=Count("pk"))
        .order_by("-n", "-scheme_year__year")
        .first()
    )
    params = {"year": [str(biggest["scheme_year"])]}  # as the view passes request.GET
    print(
        f"\n{args.database}: the queue of {biggest['scheme_year__year']} "
        f"({biggest['n']} applications) exported in the background as the lead caseworker, "
        f"built by a Celery worker (one process)"
    )
    app.control.purge()
    results = [export_once(fmt=fmt, params=params, user=lead, env=env) for fmt in ("xlsx", "csv")]
    print(
        f"\n{'format':7} {'rows':>7} {'seconds':>8} {'task s':>7} {'peak MB':>8} "
        f"{'idle MB':>8} {'file MB':>8}  target (XLSX <= {SECONDS} s, < {MEGABYTES} MB)"
    )
    for r in results:
        verdict = ""
        if r["format"] == "xlsx":
            misses = [f"> {SECONDS} s"] if r["seconds"] > SECONDS else []
            misses += [f">= {MEGABYTES} MB"] if r["peak_mb"] >= MEGABYTES else []
            verdict = "ok" if not misses else "MISS " + ", ".join(misses)
            r["verdict"] = verdict
            if r["rows_in_file"] != r["rows"]:
                sys.exit(f"the XLSX holds {r['rows_in_file']} rows, the job says {r['rows']}")
        print(
            f"{r['format']:7} {r['rows']:>7} {r['seconds']:>8.1f} {r['task_seconds']:>7.1f} "
            f"{r['peak_mb']:>8} {r['idle_mb']:>8} {r['file_mb']:>8.1f}  {verdict}"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"database": args.database, "round_applications": biggest["n"], "exports": results},
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
