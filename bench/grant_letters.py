"""Benchmark: grant letter PDFs.

Prints (1) the median time to render one grant letter PDF with WeasyPrint and (2) the time for
a real Celery worker (Redis broker, PostgreSQL; ``BENCH_WORKERS`` processes) to send and render
the letters of ``BENCH_LETTERS`` municipalities (50) issued at once, with the worker's peak
memory. Run it with ``make bench``.

It creates and drops its own database (``imdi_bench``); nothing else is touched.
"""

from __future__ import annotations

import datetime as dt
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

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

#: How many municipalities get a letter, and how many worker processes render them
#: (``BENCH_LETTERS=357 BENCH_WORKERS=2`` for every municipality on two processes).
MUNICIPALITIES = int(os.environ.get("BENCH_LETTERS", "50"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
SAMPLES = 20


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL) and Redis (REDIS_URL): see the docstring.")
    db = connection.settings_dict["NAME"]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    connection.close()
    call_command("migrate", verbosity=0)
    call_command("load_organisations", verbosity=0)
    call_command("seed_schemes", verbosity=0)

    from applications.reception import services
    from applications.reception.models import PartnershipAgreement
    from grants import services as grant_services
    from grants.models import GrantLetter
    from imdi_grants.accounts.models import MembershipRole, Organisation
    from imdi_grants.accounts.services import membership_set, user_create
    from imdi_grants.celery import app
    from schemes.models import SchemeYear

    caseworker = user_create(email="bench-caseworker@imdi.example", staff_role="caseworker")
    signatory = user_create(email="bench-signatory@example.no")
    year = SchemeYear.objects.get(scheme__code="reception", year=2024)
    year.budget_authority_name = "Benk Benkesen"  # the circular names no signer
    year.save(update_fields=["budget_authority_name"])
    organisations = list(Organisation.objects.filter(is_municipality=True)[:MUNICIPALITIES])
    offers = []
    for organisation in organisations:
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

    # 1. One letter, rendered in this process, many times.
    app.conf.task_always_eager = False
    first = services.offer_grant(offer=offers[0], by=caseworker)
    grant_services.grant_letter_pdf(letter=first)  # warm up fonts and templates
    timings = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        grant_services.grant_letter_pdf(letter=first)
        timings.append(time.perf_counter() - start)
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"one grant letter PDF: median {statistics.median(timings) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms (min {min(timings) * 1000:.0f} ms, {SAMPLES} renders, warm)"
    )

    # 2. 50 letters issued at once, rendered by one worker process.
    app.control.purge()
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
        start = time.perf_counter()
        for offer in offers[1:]:
            services.offer_grant(offer=offer, by=caseworker)
        grant_services.grant_letter_render(letter_id=first.pk)
        peak_mb = 0
        while GrantLetter.objects.filter(rendered_at__isnull=True).exists():
            if time.perf_counter() - start > 600:
                sys.exit("timed out after 600 s")
            peak_mb = max(peak_mb, _worker_memory_mb(worker.pid))
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    rendered = GrantLetter.objects.exclude(sha256="").count()
    print(
        f"{rendered} grant letters by {WORKERS} worker process(es): {elapsed:.1f} s "
        f"({elapsed / max(rendered, 1) * 1000:.0f} ms per letter); the worker's memory at most "
        f"{peak_mb} MB (main process and children, resident)"
    )
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
