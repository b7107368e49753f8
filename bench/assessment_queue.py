"""Benchmark: the caseworkers' queue of development applications.

Prints the median and p95 time, and the number of queries, to render the queue page (50 rows,
sorted by score) through Django's test client on PostgreSQL, with 50 and with 5,000 submitted
applications in the round, each with two assessors and a stored score. Run it with
``make bench``.

It creates and drops its own database (``imdi_bench``); nothing else is touched.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imdi_grants.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SAMPLES = 40
SIZES = (50, 5000)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    from bench.database import recreate_bench_database

    recreate_bench_database()
    call_command("migrate", verbosity=0)
    call_command("load_organisations", verbosity=0)
    call_command("seed_schemes", verbosity=0)
    setup_test_environment()

    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from bench.volume import applications_bulk_create
    from imdi_grants.accounts.models import Organisation, StaffRole
    from imdi_grants.accounts.services import user_create
    from schemes.models import SchemeYear

    lead = user_create(email="bench-lead@imdi.example", staff_role=StaffRole.LEAD)
    TOTP.activate(lead, generate_totp_secret())  # staff need a second factor outside demo mode
    assessors = [
        user_create(email=f"bench-assessor{n}@imdi.example", staff_role=StaffRole.CASEWORKER)
        for n in (1, 2)
    ]
    year = SchemeYear.objects.get(scheme__code="development", year=2025)
    organisation = Organisation.objects.get(municipality_number="3301")
    client = Client()
    client.force_login(lead)
    url = "/vurdering/?order=-score"
    existing = 0
    for size in SIZES:
        existing = applications_bulk_create(
            scheme_year=year, organisation=organisation, count=size - existing, assessors=assessors
        )
        connection.cursor().execute("ANALYZE")
        client.get(url)  # warm up templates and the connection
        timings = []
        for _ in range(SAMPLES):
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(
            f"queue, {size:>5} applications: median {statistics.median(timings) * 1000:.0f} ms, "
            f"p95 {percentile(timings, 0.95) * 1000:.0f} ms, "
            f"{len(queries.captured_queries)} queries ({SAMPLES} requests)"
        )


if __name__ == "__main__":
    main()
