"""Issue 11: agreements and their places in bulk through django-import-export with its preview.
Each row goes through the services (checked and audited as in the portal); a bad file imports
nothing and lists every bad row with its number and the reason in Norwegian."""

from __future__ import annotations

import datetime as dt

import pytest
import tablib

from applications.reception.models import PlaceCount, ReceptionAgreement
from applications.reception.resources import PlaceCountResource
from imdi_grants.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

HEADERS = ["kommunenummer", "gjelder_fra", "plasser", "avtale_til"]


def dataset(*rows) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=HEADERS)


def test_a_good_file_registers_agreements_and_changes_places_through_the_services(
    municipality, other_municipality, caseworker
):
    rows = dataset(
        (municipality.municipality_number, "2024-01-01", "50", ""),
        (municipality.municipality_number, "2024-07-01", "60", ""),
        (other_municipality.municipality_number, "2024-03-01", "20", "2024-12-31"),
    )
    preview = PlaceCountResource().import_data(rows, dry_run=True, user=caseworker)
    assert not preview.has_errors(), [e.error for r in preview.rows for e in r.errors] + [
        e.error for e in preview.base_errors
    ]
    assert not preview.has_validation_errors()
    assert not ReceptionAgreement.objects.exists(), "the preview saves nothing"
    assert not AuditEntry.objects.filter(action__startswith="imdi.reception").exists()

    result = PlaceCountResource().import_data(rows, dry_run=False, user=caseworker)
    assert not result.has_errors() and not result.has_validation_errors()
    agreement = ReceptionAgreement.objects.get(organisation=municipality)
    assert list(agreement.place_counts.values_list("valid_from", "places")) == [
        (dt.date(2024, 1, 1), 50),
        (dt.date(2024, 7, 1), 60),
    ]
    other = ReceptionAgreement.objects.get(organisation=other_municipality)
    assert other.end_date == dt.date(2024, 12, 31)
    assert AuditEntry.objects.filter(action__startswith="imdi.reception").count() >= 3


def test_a_bad_file_imports_nothing_and_lists_every_bad_row(municipality, caseworker):
    rows = dataset(
        (municipality.municipality_number, "2024-01-01", "50", ""),
        ("9999", "2024-01-01", "10", ""),
        (municipality.municipality_number, "1. juli", "60", ""),
    )
    result = PlaceCountResource().import_data(
        rows, dry_run=False, user=caseworker, rollback_on_validation_errors=True
    )
    assert result.has_validation_errors()
    bad = {row.number: row for row in result.invalid_rows}
    assert set(bad) == {2, 3}
    assert "9999" in str(bad[2].error_dict)
    assert not ReceptionAgreement.objects.exists() and not PlaceCount.objects.exists()


def test_the_admin_offers_the_import_with_its_preview(client, administrator, municipality):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(administrator)
    url = reverse("admin:reception_receptionagreement_import")
    assert client.get(url).status_code == 200
    csv = (
        "kommunenummer,gjelder_fra,plasser,avtale_til\n"
        f"{municipality.municipality_number},2024-01-01,40,\n"
    )
    response = client.post(
        url,
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("plasser.csv", csv.encode(), content_type="text/csv"),
        },
    )
    assert response.status_code == 200
    assert not ReceptionAgreement.objects.exists(), "the preview saves nothing"
    assert "confirm" in response.content.decode().lower() or response.context.get("confirm_form")


def test_a_refused_row_rolls_back_the_file_as_the_admin_confirms_it(municipality, caseworker):
    """The admin's confirmed import does not ask to roll back on a refused row; the resource
    does it anyway (a file may have gone bad between the preview and the confirmation)."""
    rows = dataset(
        (municipality.municipality_number, "2024-01-01", "50", ""),
        ("9999", "2024-01-01", "10", ""),
    )
    result = PlaceCountResource().import_data(rows, dry_run=False, user=caseworker)
    assert {row.number for row in result.invalid_rows} == {2}
    assert not ReceptionAgreement.objects.exists()
