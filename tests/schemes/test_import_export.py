"""Import/export of organisations and yearly rates through django-import-export."""

from __future__ import annotations

import tablib
from django.utils import timezone

from imdi_grants.accounts.models import Organisation
from imdi_grants.accounts.resources import OrganisationResource
from schemes.models import SchemeYear
from schemes.resources import SchemeYearResource


def test_rates_export_and_import_through_the_preview(seeded, administrator):
    dataset = SchemeYearResource().export()
    assert "rate_per_place_per_month" in dataset.headers
    rows = {(row[0], int(row[1])): row for row in dataset}
    assert rows[("reception", 2024)][3] in ("2141", 2141)

    new = tablib.Dataset(headers=["scheme", "year", "rate_per_place_per_month"])
    new.append(["reception", 2025, "2200"])
    preview = SchemeYearResource().import_data(new, dry_run=True, user=administrator)
    assert not preview.has_errors() and not preview.has_validation_errors()
    assert not SchemeYear.objects.filter(year=2025, scheme__code="reception").exists()
    SchemeYearResource().import_data(new, dry_run=False, user=administrator)
    assert (
        SchemeYear.objects.get(year=2025, scheme__code="reception").rate_per_place_per_month == 2200
    )


def test_a_locked_year_is_refused_in_the_import(seeded, administrator):
    SchemeYear.objects.filter(year=2024).update(letters_issued_at=timezone.now())
    data = tablib.Dataset(headers=["scheme", "year", "rate_per_place_per_month"])
    data.append(["reception", 2024, "9999"])
    result = SchemeYearResource().import_data(data, dry_run=True, user=administrator)
    assert result.has_errors() or result.has_validation_errors()
    assert SchemeYear.objects.get(year=2024).rate_per_place_per_month == 2141


def test_organisation_import_checks_the_organisation_number(db):
    data = tablib.Dataset(
        headers=[
            "name",
            "short_name",
            "is_municipality",
            "is_county_municipality",
            "municipality_number",
            "county_number",
            "organisation_number",
        ]
    )
    data.append(["Prøve kommune", "Prøve", 1, 0, "9999", "33", "921234555"])
    result = OrganisationResource().import_data(data, dry_run=True)
    assert result.has_errors() or result.has_validation_errors()
    assert not Organisation.objects.filter(municipality_number="9999").exists()

    data = tablib.Dataset(
        headers=[
            "name",
            "short_name",
            "is_municipality",
            "is_county_municipality",
            "municipality_number",
            "county_number",
            "organisation_number",
        ]
    )
    data.append(["Prøve kommune", "Prøve", 1, 0, "9999", "33", "974567342"])
    result = OrganisationResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Organisation.objects.get(municipality_number="9999").organisation_number == "974567342"
