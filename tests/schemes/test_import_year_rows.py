"""Issue 11: the yearly configuration beyond the rates in bulk — focus areas, report deadlines and
payment terms, keyed by scheme, year and what the row is in the year — through
django-import-export's preview, each row saved through ``year_row_save`` (the admin's rules,
audited). A bad file imports nothing and lists every bad row; an export imports again as it was."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from imdi_grants.audit.models import AuditEntry
from schemes.models import FocusArea, PaymentTerm, ReportDeadline, SchemeYear
from schemes.resources import (
    FocusAreaResource,
    PaymentTermResource,
    ReportDeadlineResource,
    SchemeYearResource,
)
from schemes.services import scheme_year_copy

pytestmark = pytest.mark.django_db

AREA_COLUMNS = ["ordning", "år", "nummer", "navn", "navn_nn", "beløp", "åpen"]


def _year(code: str, year: int) -> SchemeYear:
    return SchemeYear.objects.get(scheme__code=code, year=year)


def _snapshot(model) -> list[dict]:
    """Every row of ``model`` as data, without its key: what a round trip must keep."""
    return sorted(
        (
            {k: v for k, v in model_to_dict(row).items() if k != "id"}
            for row in model.objects.order_by("pk")
        ),
        key=repr,
    )


def _messages(result) -> dict[int, dict]:
    return {row.number: row.error_dict for row in result.invalid_rows}


def _audited() -> int:
    return AuditEntry.objects.filter(action="imdi.scheme_year.changed").count()


def test_a_good_file_previews_then_changes_each_row_through_the_service(seeded, administrator):
    areas = tablib.Dataset(headers=AREA_COLUMNS)
    areas.append(["development", 2025, 1, "Innovasjon", "Innovasjon (nn)", "12 000 000", "ja"])
    areas.append(
        ["development", 2025, 2, "Psykososial støtte", "Psykososial støtte", "9000000", "nei"]
    )
    deadlines = tablib.Dataset(headers=["ordning", "år", "rapport", "periode_fra", "frist"])
    deadlines.append(["reception", 2024, "half_year", "2024-07-01", "01.02.2025"])
    deadlines.append(["reception", 2024, "Statusrapport", "2024-01-01", "2024-09-15"])  # new
    terms = tablib.Dataset(headers=["ordning", "år", "termin", "utbetales", "andel"])
    terms.append(["development", 2025, "spring", "2025-05-20", "40"])
    terms.append(["development", 2025, "Høsttermin", "2025-10-15", "60,00"])
    files = ((FocusAreaResource, areas), (ReportDeadlineResource, deadlines))
    files += ((PaymentTermResource, terms),)
    before = [_snapshot(m) for m in (FocusArea, ReportDeadline, PaymentTerm)]

    for resource, data in files:
        preview = resource().import_data(data, dry_run=True, user=administrator)
        assert not preview.has_errors() and not preview.has_validation_errors(), _messages(preview)
    assert [_snapshot(m) for m in (FocusArea, ReportDeadline, PaymentTerm)] == before
    assert _audited() == 0, "the preview saves nothing"

    for resource, data in files:
        result = resource().import_data(data, dry_run=False, user=administrator)
        assert not result.has_errors() and not result.has_validation_errors(), _messages(result)
    development = _year("development", 2025)
    area = development.focus_areas.get(number=1)
    assert (area.name_nn, area.budget_amount, area.is_open) == (
        "Innovasjon (nn)",
        Decimal("12000000"),
        True,
    )
    assert area.description, "a column left out of the file keeps its value"
    assert development.focus_areas.get(number=2).is_open is False
    reception = _year("reception", 2024)
    assert reception.report_deadlines.get(
        kind="half_year", period_start=dt.date(2024, 7, 1)
    ).due_date == dt.date(2025, 2, 1)
    added = reception.report_deadlines.get(kind="status")
    assert (added.period_start, added.period_end, added.due_date) == (
        dt.date(2024, 1, 1),
        None,
        dt.date(2024, 9, 15),
    )
    assert dict(development.payment_terms.values_list("kind", "share_percent")) == {
        "spring": Decimal("40"),
        "autumn": Decimal("60"),
    }
    assert _audited() == 6
    entry = AuditEntry.objects.filter(action="imdi.scheme_year.changed").earliest("pk")
    assert entry.actor == administrator
    assert entry.data["row"] == "focus_area"
    assert entry.data["changes"]["budget_amount"] == {"from": None, "to": "12000000"}


def test_one_bad_row_among_100_imports_nothing_and_is_named(seeded, administrator):
    source = _year("development", 2025)
    for _ in range(19):  # 20 years of five focus areas: 100 rows
        source = scheme_year_copy(source=source, by=administrator)
    data = FocusAreaResource().export()
    assert len(data) == 100
    column = data.headers.index("navn_nn")
    budget = data.headers.index("beløp")
    rows = [list(row) for row in data]
    for row in rows:
        row[column] = f"{row[column]} (ny)"
    rows[56][budget] = "mange"  # row 57
    changed = tablib.Dataset(*rows, headers=data.headers)
    before = _snapshot(FocusArea)

    result = FocusAreaResource().import_data(changed, dry_run=False, user=administrator)

    assert result.has_validation_errors()
    assert set(_messages(result)) == {57}
    assert "mange" in " ".join(_messages(result)[57]["beløp"])
    assert _snapshot(FocusArea) == before, "nothing is imported"
    assert _audited() == 0, "no row of the file is audited"


def test_every_bad_row_is_listed_with_its_column(seeded, administrator):
    data = tablib.Dataset(headers=AREA_COLUMNS)
    data.append(["development", 2025, 1, "Innovasjon", "Innovasjon", "1000", "ja"])  # good
    data.append(["utvikling", 2025, 1, "x", "x", "", "ja"])  # no such scheme
    data.append(["development", 2031, 1, "x", "x", "", "ja"])  # no such year
    data.append(["development", 2025, 2, "Bare bokmål", "", "", "ja"])  # no Nynorsk
    data.append(["development", 2025, 3, "x", "x", "", "kanskje"])
    data.append(["development", 2025, 4, "x", "x", "60000000", "ja"])  # over the frame

    result = FocusAreaResource().import_data(data, dry_run=False, user=administrator)

    errors = _messages(result)
    assert set(errors) == {2, 3, 4, 5, 6}
    assert set(errors[2]) == {"ordning"} and set(errors[3]) == {"år"}
    assert set(errors[4]) == {"navn_nn"} and set(errors[5]) == {"åpen"}
    assert "51" in " ".join(errors[6]["__all__"]), "the frame of NOK 51.5 million"
    assert not FocusArea.objects.filter(budget_amount=1000).exists()


def test_export_then_import_gives_the_same_configuration(seeded, administrator):
    resources = (FocusAreaResource, ReportDeadlineResource, PaymentTermResource)
    models = (FocusArea, ReportDeadline, PaymentTerm)
    exported = [resource().export() for resource in resources]
    before = [_snapshot(model) for model in models]

    # Unchanged: every row is skipped, nothing is written.
    for resource, data in zip(resources, exported, strict=True):
        result = resource().import_data(data, dry_run=False, user=administrator)
        assert not result.has_errors() and not result.has_validation_errors()
        assert result.totals["skip"] == len(data)
    assert _audited() == 0

    # Changed or removed since: the file puts back what it says.
    development = _year("development", 2025)
    development.focus_areas.update(name_nn="", description_nn="", budget_amount=None)
    ReportDeadline.objects.all().delete()
    development.payment_terms.update(share_percent=Decimal("10"))
    for resource, data in zip(resources, exported, strict=True):
        result = resource().import_data(data, dry_run=False, user=administrator)
        assert not result.has_errors() and not result.has_validation_errors(), _messages(result)
    assert [_snapshot(model) for model in models] == before


def test_a_locked_year_is_refused_and_its_unchanged_rows_skipped(seeded, administrator):
    SchemeYear.objects.filter(year=2024).update(letters_issued_at=timezone.now())
    data = ReportDeadlineResource().export()
    due = data.headers.index("frist")
    rows = [list(row) for row in data]
    first = next(n for n, row in enumerate(rows) if row[:2] == ["reception", "2024"])
    rows[first][due] = "2024-09-30"
    result = ReportDeadlineResource().import_data(
        tablib.Dataset(*rows, headers=data.headers), dry_run=False, user=administrator
    )
    assert set(_messages(result)) == {first + 1}, "only the changed row of the locked year"
    assert "2024" in " ".join(_messages(result)[first + 1]["__all__"])
    assert not ReportDeadline.objects.filter(due_date=dt.date(2024, 9, 30)).exists()


def test_only_an_administrator_imports_the_configuration(seeded, caseworker):
    data = tablib.Dataset(headers=["ordning", "år", "termin", "utbetales", "andel"])
    data.append(["development", 2025, "spring", "2025-05-20", "50"])
    result = PaymentTermResource().import_data(data, dry_run=False, user=caseworker)
    assert set(_messages(result)) == {1}
    assert _year("development", 2025).payment_terms.get(kind="spring").pay_on == dt.date(
        2025, 5, 15
    )


def test_the_budget_frame_is_imported_with_the_year_and_audited(seeded, administrator):
    data = tablib.Dataset(headers=["scheme", "year", "budget_frame"])
    data.append(["development", 2025, "52000000"])
    preview = SchemeYearResource().import_data(data, dry_run=True, user=administrator)
    assert not preview.has_errors() and not preview.has_validation_errors()
    assert _year("development", 2025).budget_frame == Decimal("51500000")
    SchemeYearResource().import_data(data, dry_run=False, user=administrator)
    assert _year("development", 2025).budget_frame == Decimal("52000000")
    entry = AuditEntry.objects.get(action="imdi.scheme_year.changed")
    assert entry.actor == administrator and entry.data["fields"] == ["budget_frame"]


@pytest.mark.parametrize(
    ("resource", "csv"),
    [
        ("1", "ordning,år,nummer,navn_nn\ndevelopment,2025,1,Nytt namn\n"),
        (
            "2",
            "ordning,år,rapport,periode_fra,frist\ndevelopment,2025,status,2025-01-01,2025-09-02\n",
        ),
        ("3", "ordning,år,termin,utbetales,andel\ndevelopment,2025,spring,2025-05-16,50\n"),
    ],
)
def test_the_admin_shows_a_preview_before_importing(seeded, client, administrator, resource, csv):
    client.force_login(administrator)
    url = reverse("admin:schemes_schemeyear_import")
    page = client.get(url).content.decode()
    assert "Satsingsområder" in page or "nummer" in page
    before = [_snapshot(m) for m in (FocusArea, ReportDeadline, PaymentTerm)]
    upload = SimpleUploadedFile("aar.csv", csv.encode(), content_type="text/csv")
    response = client.post(url, {"resource": resource, "format": "0", "import_file": upload})
    assert response.status_code == 200
    assert "Bekreft import" in response.content.decode()
    assert [_snapshot(m) for m in (FocusArea, ReportDeadline, PaymentTerm)] == before


def test_the_admin_export_gives_the_rows_of_the_years_chosen(seeded):
    """The admin hands the export the years its list shows (filtered or chosen)."""
    chosen = SchemeYear.objects.filter(scheme__code="reception")
    exported = ReportDeadlineResource().export(queryset=chosen)
    assert [row[:3] for row in exported] == [
        ("reception", "2024", "half_year"),
        ("reception", "2024", "annual"),
        ("reception", "2024", "half_year"),
    ]
    assert not FocusAreaResource().export(queryset=chosen)
    assert len(FocusAreaResource().export()) == 5
