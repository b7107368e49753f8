"""Speed through gunicorn: p50/p95 of the staff lists, case pages and the applicant's pages on
the volume data, as a browser would meet them (4 sync workers, DEBUG off, Redis cache, persistent
database connections), measured against the targets of issue 11.

    .venv/bin/python bench/http_speed.py [--applications 10000] [--reuse] [--samples 100] [--locust]
        [--letters 400] [--json figures.json]

fills ``imdi_bench_http`` with ``bench/generate.py`` (or, with ``--reuse``, takes it as it is),
logs in the lead caseworker, the administrator and applicants by creating their sessions in the
database (as Django's ``force_login`` does; the staff have TOTP, which only the login asks for),
starts gunicorn on 127.0.0.1:8001 and fetches each page ``--samples`` times after a warm-up, one
request at a time. The queries of each page are counted apart, in this process, with Django's
test client. It writes the sessions and pages to ``SESSIONS_FILE`` for ``bench/locustfile.py``;
``--locust`` then runs the load test (50 users, 60 s) against the same gunicorn and prints its
errors, p95 and requests per second. ``--letters N`` then runs ``bench/grant_letters.py`` with N
letters on two worker processes (its own database ``imdi_bench``, Redis DBs 4/5, queue
``imdi-bench``, as ``make bench`` gives it) and, while they render, requests the staff queue
through the same gunicorn one request after another: the queue's p50/p95 under that load.
``--json PATH`` writes every figure measured to PATH (``bench/all.py`` reads it). The database
name must contain "bench"; Redis DBs 10/11 with a key prefix of its own per database.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SESSIONS_FILE = Path(
    os.environ.get("BENCH_SESSIONS_FILE")
    or Path(tempfile.gettempdir()) / "imdi_bench_http_sessions.json"
)
HOST = "127.0.0.1"
BENCH_ENV = {
    "DJANGO_ENV": "test",
    "DEMO_MODE": "false",
    "DEBUG": "false",
    "REDIS_URL": "redis://127.0.0.1:6379/10",
    "CACHE_URL": "redis://127.0.0.1:6379/11",
    "CACHE_KEY_PREFIX": "bench-http",
    "CELERY_QUEUE": "imdi-bench-http",
    "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "imdi_bench_http_media"),
    "CONN_MAX_AGE": "60",  # as in production: a worker keeps its connection
    "DJANGO_SETTINGS_MODULE": "imdi_grants.settings",
}
# The targets of issue 11.
LIST_P50, LIST_P95 = 50, 100
CASE_QUERIES, CASE_P95 = 25, 150
APPLICANT_P50 = 50
QUEUE_UNDER_LETTERS_P95 = 500
LOAD_P95, LOAD_RPS = 500, 80
# What ``bench/grant_letters.py`` runs with under ``--letters`` (as in ``make bench``).
LETTERS_ENV = {
    "DJANGO_ENV": "test",
    "DEMO_MODE": "false",
    "REDIS_URL": "redis://127.0.0.1:6379/4",
    "CACHE_URL": "redis://127.0.0.1:6379/5",
    "CACHE_KEY_PREFIX": "bench-letters",
    "CELERY_QUEUE": "imdi-bench",
    "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "imdi-bench-media"),
    "BENCH_WORKERS": "2",
}


@dataclass
class Page:
    kind: str  # "list", "case" or "applicant"
    name: str
    url: str
    who: str  # "lead", "admin" or "applicant"
    post: dict | None = None  # a form posted instead of a GET (the draft save)
    p50: float = 0.0
    p95: float = 0.0
    queries: int | None = None
    status: int = 0
    key: str = ""  # the same page at every size (the ranking's name carries its area)

    def __post_init__(self) -> None:
        self.key = self.key or self.name

    def verdict(self) -> str:
        misses = []
        if self.kind == "list":
            if self.p50 > LIST_P50:
                misses.append(f"p50>{LIST_P50}")
            if self.p95 > LIST_P95:
                misses.append(f"p95>{LIST_P95}")
        elif self.kind == "case":
            if self.p95 > CASE_P95:
                misses.append(f"p95>{CASE_P95}")
            if self.queries is not None and self.queries > CASE_QUERIES:
                misses.append(f"queries>{CASE_QUERIES}")
        elif self.p50 > APPLICANT_P50:
            misses.append(f"p50>{APPLICANT_P50}")
        return "ok" if not misses else "MISS " + ", ".join(misses)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _django(database_url: str) -> None:
    os.environ.update(BENCH_ENV)
    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _session(user) -> str:
    """A logged-in session in the database, as ``Client.force_login`` makes it."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def pages_and_sessions() -> tuple[list[Page], dict, dict]:
    """The pages to measure (one of each kind, picked from the busiest municipality's cases)
    and the sessions: lead, administrator, Drammen's applicant and ten more applicants with a
    draft each (for the load test, so that its users do not all save one row)."""
    from django.db.models import Count
    from django.urls import reverse

    from applications.development.models import Application, Status
    from bench.generate import BUSY_MUNICIPALITY, YEARS
    from grants.models import Grant
    from imdi_grants.accounts.models import Membership, User
    from reporting.models import Report
    from schemes.models import FocusArea, SchemeYear

    lead = User.objects.get(email="bench-lead@imdi.example")
    admin = User.objects.get(email="bench-admin@imdi.example")
    drafts = list(
        Application.objects.filter(status=Status.DRAFT, handed_over_at__isnull=True)
        .select_related("organisation", "created_by")
        .order_by("pk")
    )
    busy_draft = next(d for d in drafts if d.organisation.municipality_number == BUSY_MUNICIPALITY)
    applicant = busy_draft.created_by
    assert Membership.objects.filter(user=applicant, organisation=busy_draft.organisation).exists()
    year = SchemeYear.objects.get(scheme__code="development", year=YEARS[-1])
    # The busiest open area of the last round: the ranking's worst case.
    area = (
        FocusArea.objects.filter(scheme_year=year, is_open=True)
        .annotate(n=Count("applications"))
        .order_by("-n")
        .first()
    )
    case = (
        Application.objects.filter(
            organisation__municipality_number=BUSY_MUNICIPALITY, decision__isnull=False
        )
        .order_by("pk")
        .first()
    )
    grant = (
        Grant.objects.filter(scheme_year__scheme__code="development", payments__isnull=False)
        .order_by("pk")
        .first()
    )
    report = Report.objects.exclude(status="due").order_by("pk").first()
    basics = {
        "title": "Språk på jobb",
        "summary": "Kurs i norsk på arbeidsplassen.",
        "goals": "Flere i arbeid.",
        "target_group": "Nyankomne flyktninger.",
    }
    pages = [
        Page("list", "staff start page", "/", "lead"),
        Page("list", "queue", reverse("assessment:queue"), "lead"),
        Page("list", "queue by score", reverse("assessment:queue") + "?order=-score", "lead"),
        Page(
            "list",
            f"ranking ({area.name[:24]})",
            reverse("assessment:ranking", args=[area.pk]),
            "lead",
            key="ranking",
        ),
        Page("list", "frame", reverse("assessment:frame", args=[year.pk]), "lead"),
        Page("list", "payments", reverse("grants:payments"), "lead"),
        Page("list", "organisations", reverse("accounts:organisation_list"), "lead"),
        Page("list", "appeals", reverse("appeals:list"), "lead"),
        Page("list", "pending work", reverse("pending_work"), "lead"),
        Page("list", "audit trail", reverse("audit:list"), "admin"),
        Page("list", "oversight", reverse("oversight:dashboard"), "lead"),
        Page("list", "statistics", reverse("oversight:statistics"), "lead"),
        Page("list", "open data", reverse("open_data"), "lead"),
        Page("list", "reception grants", reverse("reception:grant_list"), "lead"),
        Page("case", "application case", reverse("assessment:case", args=[case.pk]), "lead"),
        Page("case", "grant money", reverse("grants:grant_money", args=[grant.pk]), "lead"),
        Page("case", "report", reverse("reporting:report_detail", args=[report.pk]), "lead"),
        Page("applicant", "applicant start page", "/", "applicant"),
        Page(
            "applicant",
            "draft save (basics)",
            reverse("development:step", args=[busy_draft.pk, "basics"]),
            "applicant",
            post=basics,
        ),
    ]
    csrf = secrets.token_hex(16)  # 32 characters: Django takes an unmasked secret as the token
    sessions = {
        "csrftoken": csrf,
        "lead": _session(lead),
        "admin": _session(admin),
        "applicant": _session(applicant),
        "applicants": [
            {"session": _session(d.created_by), "draft": d.pk}
            for d in [
                busy_draft,
                *[d for d in drafts if d.organisation_id != busy_draft.organisation_id][:10],
            ]
        ],
        "pages": [
            {"kind": p.kind, "name": p.name, "url": p.url, "who": p.who, "post": p.post}
            for p in pages
        ],
        "basics": basics,
    }
    return pages, sessions, {"lead": lead, "admin": admin, "applicant": applicant}


def count_queries(pages: list[Page], users: dict) -> None:
    """Each page's queries, through Django's test client in this process (a second fetch, so
    that nothing counted is a first-request cache fill)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    clients = {}
    for who, user in users.items():
        clients[who] = Client()
        clients[who].force_login(user)
    for page in pages:
        client = clients[page.who]
        for _ in range(2):  # the first fills the caches; the second is counted
            with CaptureQueriesContext(connection) as queries:
                response = client.post(page.url, page.post) if page.post else client.get(page.url)
        page.queries = len(queries)
        assert response.status_code in (200, 302), (page.url, response.status_code)


def _request(page: Page, sessions: dict, n: int) -> tuple[float, int]:
    cookie = f"sessionid={sessions[page.who]}; csrftoken={sessions['csrftoken']}"
    headers = {"Cookie": cookie, "Host": f"{HOST}"}
    body = None
    method = "GET"
    if page.post:
        method = "POST"
        data = dict(page.post, summary=f"{page.post['summary']} ({n})")
        data["csrfmiddlewaretoken"] = sessions["csrftoken"]
        body = urlencode(data)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection(HOST, sessions["port"], timeout=30)
    start = time.perf_counter()
    connection.request(method, page.url, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    took = (time.perf_counter() - start) * 1000
    connection.close()
    return took, response.status


def measure(pages: list[Page], sessions: dict, *, samples: int, warmup: int = 5) -> None:
    for page in pages:
        for n in range(warmup):
            _, status = _request(page, sessions, n)
        timings = []
        for n in range(samples):
            took, status = _request(page, sessions, n)
            if status not in (200, 302):
                sys.exit(f"{page.url} answered {status}")
            if page.post is None and status != 200:
                sys.exit(f"{page.url} answered {status}, not the page (a redirect?)")
            timings.append(took)
        page.status = status
        page.p50 = statistics.median(timings)
        page.p95 = percentile(timings, 0.95)


def print_table(pages: list[Page], samples: int) -> None:
    print(f"\n{'page':36} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7}  target  ({samples} requests)")
    for page in pages:
        queries = "" if page.queries is None else str(page.queries)
        print(
            f"{page.name:36} {page.p50:7.0f} {page.p95:7.0f} {queries:>7}  {page.verdict()}"
            f"   {page.url}"
        )


def start_gunicorn(*, port: int, workers: int, env: dict) -> subprocess.Popen:
    log = open(  # noqa: SIM115
        Path(tempfile.gettempdir()) / f"imdi_bench_http_gunicorn_{port}.log", "w"
    )
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "imdi_grants.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{port}",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        time.sleep(0.2)
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            break
    process.terminate()
    sys.exit(f"gunicorn did not start; see {log.name}")


def run_locust(*, port: int, users: int, seconds: int, env: dict) -> dict:
    prefix = Path(tempfile.gettempdir()) / f"imdi_bench_http_locust_{port}"
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        "10",
        "-t",
        f"{seconds}s",
        "--host",
        f"http://{HOST}:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
    ]
    print("\n" + " ".join(command[1:]))
    subprocess.run(command, cwd=ROOT, env=env, check=False)
    with open(f"{prefix}_stats.csv") as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    figures = {
        "users": users,
        "seconds": seconds,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "rps": round(float(total["Requests/s"]), 1),
    }
    met = figures["failures"] == 0 and figures["p95_ms"] <= LOAD_P95 and figures["rps"] >= LOAD_RPS
    print(
        f"load test: {total['Request Count']} requests, {total['Failure Count']} failed, "
        f"p50 {total['50%']} ms, p95 {total['95%']} ms, {float(total['Requests/s']):.1f} req/s "
        f"(targets: no errors, p95 <= {LOAD_P95} ms, >= {LOAD_RPS} req/s: "
        f"{'ok' if met else 'MISS'})"
    )
    return figures


def queue_while_letters_render(
    *, letters: int, database: str, queue_page: Page, sessions: dict
) -> dict:
    """``bench/grant_letters.py`` with ``letters`` letters on two worker processes, its output
    echoed; between its markers the staff queue is requested through gunicorn, one request
    after another. Returns its figures with the queue's."""
    env = {**os.environ, **LETTERS_ENV}
    env["BENCH_LETTERS"] = str(letters)
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    for name in ("DEBUG", "CONN_MAX_AGE", "BENCH_SESSIONS_FILE"):
        env.pop(name, None)
    print(f"\nbench/grant_letters.py: {letters} letters on 2 worker processes ({database})")
    process = subprocess.Popen(
        [sys.executable, "-u", str(ROOT / "bench" / "grant_letters.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    rendering, done = threading.Event(), threading.Event()
    timings: list[float] = []
    statuses: list[int] = []

    def ask() -> None:
        rendering.wait()
        n = 0
        while not done.is_set():
            took, status = _request(queue_page, sessions, n)
            n += 1
            if not done.is_set():
                timings.append(took)
                statuses.append(status)

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    result: dict = {}
    try:
        for line in process.stdout:
            line = line.rstrip("\n")
            print(line, flush=True)
            if line == "BENCH-RENDERING-START":
                rendering.set()
            elif line == "BENCH-RENDERING-END":
                done.set()
            elif line.startswith("BENCH-RESULT "):
                result = json.loads(line.removeprefix("BENCH-RESULT "))
    finally:
        rendering.set()
        done.set()
        code = process.wait()
        asker.join(timeout=60)
    if code != 0 or not result:
        sys.exit(f"bench/grant_letters.py failed ({code})")
    if not timings:
        sys.exit("no request to the queue finished while the letters rendered")
    failed = sum(1 for status in statuses if status != 200)
    result["queue"] = {
        "url": queue_page.url,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "requests": len(timings),
        "failures": failed,
    }
    queue = result["queue"]
    print(
        f"queue while {result['letters']} letters render on {result['workers']} processes: "
        f"p50 {queue['p50_ms']:.0f} ms, p95 {queue['p95_ms']:.0f} ms over {queue['requests']} "
        f"requests{f', {failed} not 200' if failed else ''} "
        f"(target p95 < {QUEUE_UNDER_LETTERS_P95} ms: "
        f"{'ok' if queue['p95_ms'] < QUEUE_UNDER_LETTERS_P95 and not failed else 'MISS'})"
    )
    print(
        f"  the letters: {result['letters']} in {result['seconds']:.1f} s "
        f"(target <= {result['seconds_target']:.0f} s), the worker at most "
        f"{result['worker_mb']} MB (target < 600 MB); one letter p50 {result['one_p50_ms']:.0f} "
        f"ms, p95 {result['one_p95_ms']:.0f} ms (target <= 200 / 400 ms)"
    )
    return result


def write_json(path: str, *, args: argparse.Namespace, pages: list[Page], **more) -> None:
    figures = {
        "applications": args.applications,
        "database": args.database,
        "samples": args.samples,
        "workers": args.workers,
        "pages": [
            {
                "kind": p.kind,
                "key": p.key,
                "name": p.name,
                "url": p.url,
                "p50_ms": round(p.p50, 1),
                "p95_ms": round(p.p95, 1),
                "queries": p.queries,
                "verdict": p.verdict(),
            }
            for p in pages
        ],
        **more,
    }
    Path(path).write_text(json.dumps(figures, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=10000)
    parser.add_argument("--database", default="imdi_bench_http")
    parser.add_argument("--reuse", action="store_true", help="take the database as it is")
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--locust", action="store_true", help="then run the load test")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--letters",
        type=int,
        default=0,
        help="then render this many grant letters on two worker processes, measuring the queue",
    )
    parser.add_argument("--letters-database", default="imdi_bench")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    if "bench" not in args.database or "bench" not in args.letters_database:
        sys.exit("The database names must contain 'bench'.")
    if args.letters and args.letters_database == args.database:
        sys.exit("The letters need a database of their own (it is dropped).")
    # A cache of its own per database: two runs side by side do not read each other's.
    BENCH_ENV["CACHE_KEY_PREFIX"] = f"bench-http-{args.database}"
    database_url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": database_url}
    if not args.reuse:
        sys.path.insert(0, str(ROOT))
        from bench.database import generate_volume

        generate_volume(applications=args.applications, env=env)
    _django(database_url)
    pages, sessions, users = pages_and_sessions()
    sessions["port"] = args.port
    SESSIONS_FILE.write_text(json.dumps(sessions, indent=1))
    count_queries(pages, users)
    from django.db import connection

    connection.close()
    server = start_gunicorn(port=args.port, workers=args.workers, env=env)
    more: dict = {}
    try:
        measure(pages, sessions, samples=args.samples)
        print_table(pages, args.samples)
        if args.json:
            write_json(args.json, args=args, pages=pages)
        if args.locust:
            more["locust"] = run_locust(
                port=args.port, users=args.users, seconds=args.seconds, env=env
            )
            if args.json:
                write_json(args.json, args=args, pages=pages, **more)
        if args.letters:
            more["letters"] = queue_while_letters_render(
                letters=args.letters,
                database=args.letters_database,
                queue_page=next(p for p in pages if p.key == "queue"),
                sessions=sessions,
            )
            if args.json:
                write_json(args.json, args=args, pages=pages, **more)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
