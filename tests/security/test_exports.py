"""Exports cannot carry formulas: a name of ``=cmd|' /C calc'!A0`` arrives as text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from imdi_grants.accounts.resources import OrganisationResource
from tests.reception_fixtures import pay

pytestmark = pytest.mark.django_db

FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture
def paid_to_a_formula(accepted_grant, caseworker, second_caseworker, municipality):
    municipality.name = FORMULA
    municipality.save(update_fields=["name"])
    pay(accepted_grant, proposer=caseworker, approver=second_caseworker)


def test_the_payment_list_in_csv_has_the_formula_as_text(client, caseworker, paid_to_a_formula):
    client.force_login(caseworker)
    response = client.get(reverse("grants:payments_export", args=["csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8")), delimiter=";"))
    assert rows[0]["mottaker"] == "'" + FORMULA
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())


def test_the_payment_list_in_xlsx_has_the_formula_as_text(client, caseworker, paid_to_a_formula):
    client.force_login(caseworker)
    response = client.get(reverse("grants:payments_export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("mottaker") + 1)
    assert cell.data_type == "s"  # a string, not "f" (a formula)
    assert cell.value == "'" + FORMULA
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_the_admins_exports_escape_formulas(settings, municipality):
    """The admin's import/export (organisations, yearly rates) escapes as the library does."""
    assert settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is True
    municipality.name = FORMULA
    municipality.save(update_fields=["name"])
    for fmt in (CSV(), XLSX()):
        dataset = OrganisationResource().export()
        exported = fmt.export_data(dataset)
        if isinstance(exported, bytes):
            sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
            values = [c.value for row in sheet.iter_rows() for c in row]
            assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
        else:
            values = [v for row in csv.reader(io.StringIO(exported)) for v in row]
        assert FORMULA not in values
        assert FORMULA[1:] in values
