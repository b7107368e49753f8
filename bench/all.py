"""Every speed figure of issue 11 at the three sizes, and a summary of them against the targets.

    .venv/bin/python bench/all.py        (make bench)

runs, one after another, each under a heading and with its own output:

1. ``bench/http_speed.py --applications 1000 --samples 40``
2. ``bench/http_speed.py --applications 100000 --samples 40``
3. ``bench/http_speed.py --applications 10000 --samples 100 --locust --letters 400``: the pages,
   the load test (50 users, 60 s) and 400 grant letters on two worker processes while the
   staff queue is requested (10,000 last, so that ``imdi_bench_http`` holds it afterwards for
   ``http_speed.py --reuse``)
4. ``bench/export_speed.py``: a round of 10,000 applications exported in the background as XLSX
   and CSV (its own database of 30,000 applications)
5. ``bench/imports.py`` (if it is there): 400-row imports, preview and import

then prints one summary: each staff list and dashboard at 1k, 10k and 100k side by side with
its queries (at most 10, the same at every size), its p50/p95 at 10k (<= 50 / 100 ms) and
whether its p95 at 100k is at most twice that at 10k; then the case and applicant pages, the
grant letters, the queue while they render, the export, the imports and the load test, each
with its target and ok or MISS. ``--sizes 1000,10000`` leaves sizes out (10,000 must stay, the
others are measured on it). The figures are kept as JSON in ``--out``; ``--summary-only``
prints the summary of the figures kept there again.

Each benchmark makes its own databases (their names contain "bench") and uses its own Redis DBs
and queues; generating 100,000 applications takes about four minutes on two cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# The targets of issue 11.
LIST_QUERIES, LIST_P50, LIST_P95, GROWTH = 10, 50, 100, 2.0
CASE_QUERIES, CASE_P95 = 25, 150
APPLICANT_P50 = 50
ONE_P50, ONE_P95, LETTERS_SECONDS, WORKER_MB = 200, 400, 60, 600
QUEUE_UNDER_LETTERS_P95 = 500
EXPORT_SECONDS, EXPORT_MB = 30, 300
IMPORT_SECONDS = 5
LOAD_P95, LOAD_RPS = 500, 80
# What ``make bench`` gives bench/imports.py.
IMPORTS_ENV = {
    "DJANGO_ENV": "test",
    "DEMO_MODE": "false",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/imdi_bench_imports",
    "REDIS_URL": "redis://127.0.0.1:6379/4",
    "CACHE_URL": "redis://127.0.0.1:6379/5",
    "CACHE_KEY_PREFIX": "bench-imports",
    "CELERY_QUEUE": "imdi-bench",
}
IMPORT_LINE = re.compile(
    r"^(?P<label>\S.*?)\s+(?P<rows>\d+)\s+(?P<changed>\d+)\s+(?P<preview>\d+\.\d+)\s+"
    r"(?P<done>\d+\.\d+)\s+(?P<verdict>met|MISSED)$"
)


def heading(text: str) -> None:
    print(f"\n{'=' * 100}\n== {text}\n{'=' * 100}", flush=True)


def run(command: list[str], *, env: dict | None = None) -> int:
    print("$ " + " ".join(str(c) for c in command), flush=True)
    started = time.perf_counter()
    code = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
    print(f"({time.perf_counter() - started:.0f} s, exit {code})", flush=True)
    return code


def run_imports() -> tuple[int, list[dict]]:
    """bench/imports.py with its defaults, its output echoed; the rows of its table."""
    command = [sys.executable, "-u", str(BENCH / "imports.py")]
    print("$ " + " ".join(command), flush=True)
    env = {**os.environ, **IMPORTS_ENV}
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    rows = []
    for line in process.stdout:
        print(line, end="", flush=True)
        found = IMPORT_LINE.match(line.rstrip())
        if found:
            rows.append(
                {
                    "label": found["label"],
                    "rows": int(found["rows"]),
                    "preview_s": float(found["preview"]),
                    "import_s": float(found["done"]),
                }
            )
    return process.wait(), rows


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    postgres = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{os.cpu_count()} CPUs ({model}){memory}, PostgreSQL {postgres or '?'}"


def ok(good: bool) -> str:
    return "ok" if good else "MISS"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def summary(figures: dict, sizes: list[int], started: dt.datetime) -> list[str]:
    """Print the summary; returns what missed."""
    misses: list[str] = []
    http = {size: figures.get(f"http_{size}") for size in sizes}
    pages: dict[str, dict[int, dict]] = {}
    order: list[tuple[str, str]] = []
    for size in sizes:
        for page in (http[size] or {}).get("pages", []):
            if page["key"] not in pages:
                pages[page["key"]] = {}
                order.append((page["kind"], page["key"]))
            pages[page["key"]][size] = page

    heading(f"Summary (started {started:%d %b %Y %H:%M}; {machine()})")
    print("p50/p95 in ms through gunicorn (4 workers), one request at a time; q: queries")
    columns = "".join(f" {f'{size // 1000}k p50/p95 q':>18}" for size in sizes)

    def cells(by_size: dict[int, dict]) -> str:
        out = ""
        for size in sizes:
            page = by_size.get(size)
            text = (
                "—"
                if page is None
                else f"{_ms(page['p50_ms'])}/{_ms(page['p95_ms'])} {page['queries']}"
            )
            out += f" {text:>18}"
        return out

    print(
        f"\nStaff lists and dashboards: <= {LIST_QUERIES} queries, the same at every size; "
        f"at 10k p50 <= {LIST_P50}, p95 <= {LIST_P95} ms; p95 at 100k <= {GROWTH:g} x p95 at 10k"
    )
    print(f"{'page':30}{columns}  verdict")
    for kind, key in order:
        if kind != "list":
            continue
        by_size = pages[key]
        problems = []
        queries = {p["queries"] for p in by_size.values()}
        if max(queries, default=0) > LIST_QUERIES:
            problems.append(f"queries>{LIST_QUERIES}")
        if len(queries) > 1:
            problems.append(f"queries {min(queries)}–{max(queries)} by size")
        ten = by_size.get(10000)
        if ten:
            if ten["p50_ms"] > LIST_P50:
                problems.append(f"10k p50>{LIST_P50}")
            if ten["p95_ms"] > LIST_P95:
                problems.append(f"10k p95>{LIST_P95}")
        hundred = by_size.get(100000)
        if ten and hundred:
            growth = hundred["p95_ms"] / max(ten["p95_ms"], 0.1)
            if growth > GROWTH:
                problems.append(f"100k p95 {growth:.1f}x 10k")
        if problems:
            misses.append(f"{key}: " + ", ".join(problems))
        verdict = "ok" if not problems else "MISS " + ", ".join(problems)
        print(f"{key[:30]:30}{cells(by_size)}  {verdict}")

    print(
        f"\nCase pages: <= {CASE_QUERIES} queries, p95 <= {CASE_P95} ms; applicant start page "
        f"and draft save: p50 <= {APPLICANT_P50} ms (at every size)"
    )
    print(f"{'page':30}{columns}  verdict")
    for kind, key in order:
        if kind == "list":
            continue
        by_size = pages[key]
        problems = []
        for size, page in by_size.items():
            if kind == "case":
                if page["p95_ms"] > CASE_P95:
                    problems.append(f"{size // 1000}k p95>{CASE_P95}")
                if (page["queries"] or 0) > CASE_QUERIES:
                    problems.append(f"{size // 1000}k queries>{CASE_QUERIES}")
            elif page["p50_ms"] > APPLICANT_P50:
                problems.append(f"{size // 1000}k p50>{APPLICANT_P50}")
        if problems:
            misses.append(f"{key}: " + ", ".join(problems))
        verdict = "ok" if not problems else "MISS " + ", ".join(problems)
        print(f"{key[:30]:30}{cells(by_size)}  {verdict}")

    rows: list[tuple[str, str, str, bool | None]] = []
    ten = http.get(10000) or {}
    letters = ten.get("letters")
    if letters:
        rows += [
            (
                "one grant letter PDF (warm)",
                f"p50 {letters['one_p50_ms']:.0f} ms, p95 {letters['one_p95_ms']:.0f} ms",
                f"p50 <= {ONE_P50}, p95 <= {ONE_P95} ms",
                letters["one_p50_ms"] <= ONE_P50 and letters["one_p95_ms"] <= ONE_P95,
            ),
            (
                f"{letters['letters']} letters, {letters['workers']} worker processes",
                f"{letters['seconds']:.1f} s",
                f"<= {letters['seconds_target']:.0f} s",
                letters["seconds"] <= letters["seconds_target"],
            ),
            (
                "the letters' worker memory",
                f"{letters['worker_mb']} MB",
                f"< {WORKER_MB} MB",
                letters["worker_mb"] < WORKER_MB,
            ),
        ]
        queue = letters["queue"]
        rows.append(
            (
                "staff queue while they render",
                f"p50 {queue['p50_ms']:.0f} ms, p95 {queue['p95_ms']:.0f} ms "
                f"({queue['requests']} requests)",
                f"p95 < {QUEUE_UNDER_LETTERS_P95} ms",
                queue["p95_ms"] < QUEUE_UNDER_LETTERS_P95 and not queue["failures"],
            )
        )
    else:
        rows.append(("grant letters", "not measured", "", None))
    export = figures.get("export")
    if export:
        for one in export["exports"]:
            text = (
                f"{one['seconds']:.1f} s, {one['peak_mb']} MB peak "
                f"({one['idle_mb']} MB idle), {one['file_mb']} MB file"
            )
            if one["format"] == "xlsx":
                rows.append(
                    (
                        f"export of {one['rows']} applications, XLSX",
                        text,
                        f"<= {EXPORT_SECONDS} s, < {EXPORT_MB} MB",
                        one["seconds"] <= EXPORT_SECONDS and one["peak_mb"] < EXPORT_MB,
                    )
                )
            else:
                rows.append(
                    (f"export of {one['rows']} applications, CSV", text, "(no target)", None)
                )
    else:
        rows.append(("export of 10,000 applications", "not measured", "", None))
    imports = figures.get("imports")
    if imports is None:
        rows.append(("imports of 400 rows", "bench/imports.py not there yet", "", None))
    elif not imports:
        rows.append(("imports of 400 rows", "no figures (see its output)", "", False))
    for one in imports or []:
        rows.append(
            (
                f"import: {one['label']}"[:44],
                f"{one['rows']} rows, preview {one['preview_s']:.2f} s, "
                f"import {one['import_s']:.2f} s",
                f"<= {IMPORT_SECONDS} s each",
                one["preview_s"] <= IMPORT_SECONDS and one["import_s"] <= IMPORT_SECONDS,
            )
        )
    load = ten.get("locust")
    if load:
        rows.append(
            (
                f"load test, {load['users']} users, {load['seconds']} s (10k)",
                f"{load['requests']} requests, {load['failures']} failed, p50/p95 "
                f"{load['p50_ms']:.0f}/{load['p95_ms']:.0f} ms, {load['rps']} req/s",
                f"no errors, p95 <= {LOAD_P95} ms, >= {LOAD_RPS} req/s",
                load["failures"] == 0 and load["p95_ms"] <= LOAD_P95 and load["rps"] >= LOAD_RPS,
            )
        )
    else:
        rows.append(("load test", "not measured", "", None))

    print(f"\n{'figure':44} {'measured':58} {'target':42} verdict")
    for name, measured, target, good in rows:
        verdict = "" if good is None and not target else ("—" if good is None else ok(good))
        if good is False:
            misses.append(f"{name}: {measured} (target {target})")
        print(f"{name[:44]:44} {measured[:58]:58} {target[:42]:42} {verdict}")
    for step in figures.get("failed", []):
        misses.append(f"{step} failed")
        print(f"\n{step} failed: see its output above")
    print(f"\n{len(misses)} missed" + (":" if misses else "."))
    for miss in misses:
        print(f"  - {miss}")
    return misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000,10000", help="in this order")
    parser.add_argument("--letters", type=int, default=400)
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "imdi_bench_all"))
    parser.add_argument("--summary-only", action="store_true", help="the figures kept in --out")
    # Other databases and port, to run beside someone else's benchmark.
    parser.add_argument("--database", default="imdi_bench_http")
    parser.add_argument("--port", default="8001")
    parser.add_argument("--letters-database", default="imdi_bench")
    parser.add_argument("--export-database", default="imdi_bench_export")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if 10000 not in sizes:
        sys.exit("10,000 must be among the sizes: the letters and the load test run on it.")
    sizes = [s for s in sizes if s != 10000] + [10000]  # 10k last: its database stays
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now()
    figures: dict = {"failed": []}
    python = sys.executable
    if args.summary_only:
        for name in ("all.json",):
            if (out / name).exists():
                figures = json.loads((out / name).read_text())
        summary(figures, sorted(sizes), started)
        return

    for size in sizes:
        path = out / f"http_{size}.json"
        path.unlink(missing_ok=True)
        command = [python, str(BENCH / "http_speed.py"), "--applications", str(size)]
        command += ["--database", args.database, "--port", args.port]
        if size == 10000:
            command += ["--samples", "100", "--locust", "--letters", str(args.letters)]
            command += ["--letters-database", args.letters_database]
        else:
            command += ["--samples", "40"]
        command += ["--json", str(path)]
        heading(f"Pages through gunicorn at {size:,} applications".replace(",", " "))
        if run(command) != 0:
            figures["failed"].append(f"http_speed.py at {size}")
        if path.exists():  # what it measured before it stopped, if it stopped
            figures[f"http_{size}"] = json.loads(path.read_text())

    path = out / "export.json"
    path.unlink(missing_ok=True)
    heading("Background export of a round of 10 000 applications")
    command = [python, str(BENCH / "export_speed.py"), "--database", args.export_database]
    if run([*command, "--json", str(path)]) != 0:
        figures["failed"].append("export_speed.py")
    if path.exists():
        figures["export"] = json.loads(path.read_text())

    heading("Imports of 400 rows")
    if (BENCH / "imports.py").exists():
        code, figures["imports"] = run_imports()
        if code != 0 and not figures["imports"]:
            figures["failed"].append("imports.py")
    else:
        print("bench/imports.py is not there yet: skipped.")
        figures["imports"] = None

    (out / "all.json").write_text(json.dumps(figures, indent=1, default=str))
    summary(figures, sorted(sizes), started)
    minutes = (dt.datetime.now() - started).seconds // 60
    print(f"\nThe figures as JSON: {out}/all.json ({minutes} min in all)")
    # A figure that misses is printed, not an error; a benchmark that broke is.
    sys.exit(1 if figures["failed"] else 0)


if __name__ == "__main__":
    main()
