"""Benchmark: imports of 400 rows through django-import-export, as the admin makes them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imdi_bench_imports python bench/imports.py

drops and creates the database named in ``DATABASE_URL`` (its name must contain "bench"),
migrates it and loads the 357 municipalities and 15 county municipalities and the schemes, then
builds what each import needs and imports a file of 400 rows for each resource the way the admin
does: the preview (a dry run, rolled back) and then the import itself, each row through its
service. It prints a table: resource, rows, the rows that changed something, preview seconds,
import seconds, and whether both are within the target of 5 seconds (issue 11).

- written standard (målform) by number: ``LanguageDecisionResource``, every organisation (371)
  and the first 29 again with another decision;
- agreements and places: ``PlaceCountResource``, 200 municipalities, each a new agreement from
  1 January and a new number of places from 1 July;
- focus areas of a year: ``FocusAreaResource``, the five areas of 80 development years (copied
  from 2025 by ``scheme_year_copy``), each area's Nynorsk name and budget changed;
- payments paid out: ``PaymentDisbursedResource``, 400 approved payments, each paid out;
- reports' status: ``ReportStatusResource``, 400 submitted reports, each approved.

The grants, payments and reports are bench data written with ``bulk_create``, not through the
services (as ``bench/generate.py`` does); the imports go through the services.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = 400
TARGET_SECONDS = 5.0


def setup() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imdi_bench_imports")
    os.environ.setdefault("DJANGO_ENV", "test")
    os.environ.setdefault("DEMO_MODE", "false")
    os.environ.setdefault(
        "MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "imdi_bench_imports_media")
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imdi_grants.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fresh_database() -> str:
    """Drop and create the database named in DATABASE_URL; only one whose name says bench."""
    from django.core.management import call_command

    from bench.database import recreate_bench_database

    name = recreate_bench_database()
    call_command("migrate", verbosity=0)
    call_command("load_organisations", verbosity=0)
    call_command("seed_schemes", verbosity=0)
    return name


def csv_file(headers: list[str], rows: list[list[object]]) -> bytes:
    """The file as an administrator uploads it."""
    import csv

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    return text.getvalue().encode()


def language_decisions() -> tuple[list[str], list[list[object]]]:
    from imdi_grants.accounts.models import Organisation

    organisations = list(Organisation.objects.order_by("pk"))
    words = {"nb": "nynorsk", "nn": "bokmål", "neutral": "nynorsk"}
    rows = [[o.registry_number, words[o.written_standard]] for o in organisations]
    # The first few again, back to a third decision.
    rows += [[o.registry_number, "nøytral"] for o in organisations[: ROWS - len(rows)]]
    return ["nummer", "målform"], rows[:ROWS]


def places() -> tuple[list[str], list[list[object]]]:
    from imdi_grants.accounts.models import Organisation

    municipalities = Organisation.objects.filter(is_municipality=True).order_by("pk")[: ROWS // 2]
    rows = []
    for organisation in municipalities:
        rows.append([organisation.municipality_number, "2024-01-01", 50, ""])
        rows.append([organisation.municipality_number, "2024-07-01", 60, ""])
    return ["kommunenummer", "gjelder_fra", "plasser", "avtale_til"], rows


def focus_areas(admin) -> tuple[list[str], list[list[object]]]:
    from schemes.models import FocusArea, SchemeYear
    from schemes.services import scheme_year_copy

    source = SchemeYear.objects.get(scheme__code="development", year=2025)
    for _ in range(ROWS // 5 - 1):
        source = scheme_year_copy(source=source, by=admin)
    areas = FocusArea.objects.select_related("scheme_year__scheme").order_by(
        "scheme_year__year", "number"
    )
    rows = [
        ["development", a.scheme_year.year, a.number, f"{a.name_nn} (ny)", 1_000_000 + a.number]
        for a in areas
    ]
    return ["ordning", "år", "nummer", "navn_nn", "beløp"], rows


def grants_with_payments_and_reports(admin) -> list:
    """400 accepted reception grants of 2024, each with its yearly term approved on a payment
    list and its first half-yearly report submitted (bench data, bulk-created)."""
    from django.utils import timezone

    from grants.models import (
        BatchStatus,
        Grant,
        GrantStatus,
        Payment,
        PaymentBatch,
        PaymentStatus,
    )
    from imdi_grants.accounts.models import Organisation
    from reporting.models import Report, ReportStatus
    from schemes.models import SchemeYear

    year = SchemeYear.objects.get(scheme__code="reception", year=2024)
    organisations = list(Organisation.objects.order_by("pk"))
    grants = Grant.objects.bulk_create(
        Grant(
            case_number=f"2024/{n:05d}",
            organisation=organisations[n % len(organisations)],
            scheme_year=year,
            status=GrantStatus.PAID,
            amount=Decimal(100_000 + n),
            starts_on=dt.date(2024, 1, 1),
            ends_on=dt.date(2024, 12, 31),
            bank_account_number="15031234562",
            created_by=admin,
        )
        for n in range(1, ROWS + 1)
    )
    now = timezone.now()
    batch = PaymentBatch.objects.create(
        payment_date=dt.date(2024, 4, 15),
        status=BatchStatus.APPROVED,
        proposed_by=admin,
        approved_by=admin,
        approved_at=now,
    )
    Payment.objects.bulk_create(
        Payment(
            grant=grant,
            term="yearly",
            due_on=dt.date(2024, 4, 15),
            amount=grant.amount,
            status=PaymentStatus.APPROVED,
            batch=batch,
            payment_date=batch.payment_date,
            approved_by=admin,
            approved_at=now,
        )
        for grant in grants
    )
    Report.objects.bulk_create(
        Report(
            grant=grant,
            kind="half_year",
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 6, 30),
            due_date=dt.date(2024, 8, 31),
            status=ReportStatus.SUBMITTED,
            participants=10,
            income=Decimal(1000),
            expenses=Decimal(900),
            submitted_at=now,
        )
        for grant in grants
    )
    return grants


def payments_paid_out(grants) -> tuple[list[str], list[list[object]]]:
    rows = [[g.case_number, "yearly", "2024-04-16", f"BILAG-{n:05d}"] for n, g in enumerate(grants)]
    return ["saksnummer", "termin", "utbetalt_dato", "bilagsnummer"], rows


def reports_status(grants) -> tuple[list[str], list[list[object]]]:
    rows = [[g.case_number, "half_year", "2024-08-31", "godkjent", ""] for g in grants]
    return ["saksnummer", "rapport", "frist", "status", "kommentar"], rows


def import_as_the_admin(resource_class, content: bytes, user) -> tuple[float, float, int]:
    """The admin's two steps: read the file and preview it (a dry run), then, confirmed, read
    it again and import it. Returns the seconds of each and the rows that changed something
    (an agreements file's first row for a municipality registers the agreement with its
    places, so that row itself has nothing left to change)."""
    from import_export.formats.base_formats import CSV

    timings = []
    for dry_run in (True, False):
        start = time.perf_counter()
        dataset = CSV(encoding="utf-8").create_dataset(content.decode())
        result = resource_class().import_data(dataset, dry_run=dry_run, user=user)
        timings.append(time.perf_counter() - start)
        if result.has_errors() or result.has_validation_errors():
            errors = [(row.number, row.error_dict) for row in result.invalid_rows][:5]
            errors += [(n, [str(e.error) for e in errs]) for n, errs in result.row_errors()][:5]
            sys.exit(f"{resource_class.__name__}: the file did not import: {errors}")
    return timings[0], timings[1], len(dataset) - result.totals["skip"]


def main() -> None:
    setup()
    name = fresh_database()

    from applications.reception.resources import PlaceCountResource
    from grants.resources import PaymentDisbursedResource
    from imdi_grants.accounts.models import StaffRole
    from imdi_grants.accounts.resources import LanguageDecisionResource
    from imdi_grants.accounts.services import user_create
    from reporting.resources import ReportStatusResource
    from schemes.resources import FocusAreaResource

    admin = user_create(email="bench-admin@imdi.example", staff_role=StaffRole.ADMINISTRATOR)
    grants = grants_with_payments_and_reports(admin)
    files = [
        ("written standard (målform)", LanguageDecisionResource, language_decisions()),
        ("agreements and places", PlaceCountResource, places()),
        ("yearly configuration: focus areas", FocusAreaResource, focus_areas(admin)),
        ("payments paid out", PaymentDisbursedResource, payments_paid_out(grants)),
        ("reports' status", ReportStatusResource, reports_status(grants)),
    ]
    from django.db import connection

    connection.cursor().execute("ANALYZE")

    print(f"{name}: {ROWS} rows per file, preview (dry run) then import, as in the admin")
    print(
        f"{'resource':36} {'rows':>5} {'changed':>8} {'preview s':>10} {'import s':>9}  "
        f"target ≤ {TARGET_SECONDS:g} s"
    )
    missed = []
    for label, resource_class, (headers, rows) in files:
        content = csv_file(headers, rows)
        preview, done, changed = import_as_the_admin(resource_class, content, admin)
        ok = preview <= TARGET_SECONDS and done <= TARGET_SECONDS
        if not ok:
            missed.append(label)
        print(
            f"{label:36} {len(rows):>5} {changed:>8} {preview:>10.2f} {done:>9.2f}  "
            f"{'met' if ok else 'MISSED'}"
        )
    print(f"({os.cpu_count()} CPUs, PostgreSQL {connection.pg_version // 10000})")
    if missed:
        sys.exit(f"Over {TARGET_SECONDS:g} s: {', '.join(missed)}")


if __name__ == "__main__":
    main()
