"""Benchmark: grant letter PDFs.

Prints (1) the median and p95 time to render one grant letter PDF with WeasyPrint, warm, and
(2) the time for a real Celery worker (Redis broker, PostgreSQL; ``BENCH_WORKERS`` processes) to
send and render ``BENCH_LETTERS`` letters (50) issued at once, with the worker's peak memory.
There are 357 municipalities: past them the letters go on in the next reception year, copied
from the seeded one with ``scheme_year_copy`` and published as the administrator does, so
``BENCH_LETTERS=400`` is 357 letters for 2024 and 43 for 2025. Every letter is a real offer,
acceptance letter and ``offer_grant``, rendered by the worker. Run it with ``make bench``.

Two marker lines, flushed as they happen, let ``bench/http_speed.py --letters`` measure the
staff queue while the letters render: ``BENCH-RENDERING-START`` right before the letters are
issued to the worker and ``BENCH-RENDERING-END`` when every one is rendered; the last line,
``BENCH-RESULT {...}``, has the figures as JSON.

It creates and drops its own database (``DATABASE_URL``, ``imdi_bench`` in ``make bench``; the
name must contain "bench"); nothing else is touched.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imdi_grants.settings")
os.environ.setdefault("MEDIA_ROOT", "/tmp/imdi-bench-media")
# The e-mails go through the outbox as always, but are not printed (400 of them would be).
os.environ.setdefault("EMAIL_URL", "dummymail://")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

#: How many letters, and how many worker processes render them (``BENCH_LETTERS=400
#: BENCH_WORKERS=2``: every municipality for 2024 and 43 for 2025, on two processes).
LETTERS = int(os.environ.get("BENCH_LETTERS", "50"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
SAMPLES = 20
# The targets of issue 11.
ONE_P50_MS, ONE_P95_MS = 200, 400
SECONDS_FOR_400, WORKER_MB = 60, 600


def say(line: str) -> None:
    print(line, flush=True)


def _years(first, count: int, admin) -> list:
    """``first`` and as many following reception years as ``count`` letters need: copied and
    published by the administrator, as a new year is made."""
    from schemes.services import scheme_year_copy, scheme_year_publish

    years = [first]
    while len(years) < count:
        copied = scheme_year_copy(source=years[-1], by=admin)
        years.append(scheme_year_publish(year=copied, by=admin))
    return years


def main() -> None:
    from bench.database import recreate_bench_database

    db = recreate_bench_database()
    call_command("migrate", verbosity=0)
    call_command("load_organisations", verbosity=0)
    call_command("seed_schemes", verbosity=0)

    from applications.reception import services
    from applications.reception.models import PartnershipAgreement
    from grants import services as grant_services
    from grants.models import GrantLetter
    from imdi_grants.accounts.models import MembershipRole, Organisation, StaffRole
    from imdi_grants.accounts.services import membership_set, user_create
    from imdi_grants.celery import app
    from schemes.models import SchemeYear

    caseworker = user_create(email="bench-caseworker@imdi.example", staff_role="caseworker")
    admin = user_create(email="bench-admin@imdi.example", staff_role=StaffRole.ADMINISTRATOR)
    signatory = user_create(email="bench-signatory@example.no")
    first_year = SchemeYear.objects.get(scheme__code="reception", year=2024)
    first_year.budget_authority_name = "Benk Benkesen"  # the circular names no signer
    first_year.save(update_fields=["budget_authority_name"])
    municipalities = list(Organisation.objects.filter(is_municipality=True).order_by("pk"))
    years = _years(first_year, -(-LETTERS // len(municipalities)), admin)
    for organisation in municipalities[:LETTERS]:
        membership_set(user=signatory, organisation=organisation, role=MembershipRole.SIGNATORY)
        services.agreement_register(
            organisation=organisation,
            start_date=dt.date(2024, 1, 1),
            end_date=None,
            places=50,
            by=caseworker,
        )
        partnership = PartnershipAgreement(
            organisation=organisation,
            asylum_reception_centre="Mottak",
            career_centre="Karrieresenter",
            nav_office="NAV",
            valid_from=dt.date(2024, 1, 1),
            responsibilities="Ansvar",
        )
        partnership.document.save("a.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        partnership.save()
    offers = []
    for n in range(LETTERS):
        organisation = municipalities[n % len(municipalities)]
        year = years[n // len(municipalities)]
        offer = services.offer_send(organisation=organisation, scheme_year=year, by=caseworker)
        services.acceptance_letter_submit(
            offer=offer,
            by=signatory,
            fields={
                "municipality_name": organisation.name,
                "address": "Rådhuset",
                "phone": "12345678",
                "email": "post@example.no",
                "organisation_number": organisation.organisation_number or "921234554",
                "bank_account_number": "15031234562",
                "contact_persons": "Kontakt",
                "prerequisites": "Erfaring",
            },
        )
        offers.append(offer)
    say(
        f"{len(offers)} offers accepted: "
        + ", ".join(
            f"{sum(1 for o in offers if o.scheme_year_id == y.pk)} for {y.year}" for y in years
        )
    )

    # 1. One letter, rendered in this process, many times. Its task waits in the queue (from
    # an earlier run nothing is left there) for the worker below, like every other letter's.
    app.conf.task_always_eager = False
    app.control.purge()
    first = services.offer_grant(offer=offers[0], by=caseworker)
    grant_services.grant_letter_pdf(letter=first)  # warm up fonts and templates
    timings = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        grant_services.grant_letter_pdf(letter=first)
        timings.append((time.perf_counter() - start) * 1000)
    ordered = sorted(timings)
    one_p50 = statistics.median(timings)
    one_p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    say(
        f"one grant letter PDF: median {one_p50:.0f} ms, p95 {one_p95:.0f} ms "
        f"(min {min(timings):.0f} ms, {SAMPLES} renders, warm; "
        f"target p50 <= {ONE_P50_MS} ms, p95 <= {ONE_P95_MS} ms: "
        f"{'ok' if one_p50 <= ONE_P50_MS and one_p95 <= ONE_P95_MS else 'MISS'})"
    )

    # 2. The letters issued at once, sent and rendered by the worker's processes.
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "imdi_grants",
            "worker",
            f"--concurrency={WORKERS}",
            "--pool=prefork",
            "--loglevel=WARNING",
            "-Q",
            app.conf.task_default_queue,
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        time.sleep(3)  # let the worker connect
        say("BENCH-RENDERING-START")
        start = time.perf_counter()
        peak_mb = 0
        for offer in offers[1:]:
            services.offer_grant(offer=offer, by=caseworker)
            peak_mb = max(peak_mb, _worker_memory_mb(worker.pid))
        while GrantLetter.objects.filter(rendered_at__isnull=True).exists():
            if time.perf_counter() - start > 600:
                sys.exit("timed out after 600 s")
            peak_mb = max(peak_mb, _worker_memory_mb(worker.pid))
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
        say("BENCH-RENDERING-END")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    rendered = GrantLetter.objects.exclude(sha256="").count()
    # The target is 400 letters in 60 s: other counts are held to the same rate.
    limit = SECONDS_FOR_400 * rendered / 400
    say(
        f"{rendered} grant letters by {WORKERS} worker process(es): {elapsed:.1f} s "
        f"({elapsed / max(rendered, 1) * 1000:.0f} ms per letter; target <= {limit:.0f} s: "
        f"{'ok' if elapsed <= limit else 'MISS'}); the worker's memory at most {peak_mb} MB "
        f"(main process and children, resident; target < {WORKER_MB} MB: "
        f"{'ok' if peak_mb < WORKER_MB else 'MISS'})"
    )
    result = {
        "one_p50_ms": round(one_p50, 1),
        "one_p95_ms": round(one_p95, 1),
        "one_samples": SAMPLES,
        "letters": rendered,
        "workers": WORKERS,
        "seconds": round(elapsed, 2),
        "seconds_target": round(limit, 1),
        "worker_mb": peak_mb,
    }
    say("BENCH-RESULT " + json.dumps(result))
    connection.close()
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db], check=True)


def _worker_memory_mb(pid: int) -> int:
    """Resident memory of the worker's main process and its children, from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) // 1024
        except OSError:
            continue
    return total


if __name__ == "__main__":
    main()
