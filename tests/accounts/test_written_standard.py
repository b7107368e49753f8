"""Organisations carry their decision on the written standard (målform, the Language Act § 15):
the county municipalities from Språkrådet's list, and every organisation's from a file IMDi
imports with a preview (issue 8)."""

from __future__ import annotations

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imdi_grants.accounts.models import Organisation
from imdi_grants.accounts.resources import LanguageDecisionResource
from imdi_grants.accounts.services import organisations_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    organisations_load()


def _county(number: str) -> Organisation:
    return Organisation.objects.get(county_number=number, is_county_municipality=True)


def test_county_municipalities_start_with_their_decisions(registry):
    assert _county("46").written_standard == "nn"  # Vestland
    assert _county("15").written_standard == "nn"  # Møre og Romsdal
    assert _county("39").written_standard == "nb"  # Vestfold
    assert _county("11").written_standard == "neutral"  # Rogaland
    # A decision changed by hand is kept when the registry is loaded again.
    Organisation.objects.filter(pk=_county("11").pk).update(written_standard="nn")
    organisations_load()
    assert _county("11").written_standard == "nn"


def _dataset(rows):
    return tablib.Dataset(*rows, headers=["nummer", "målform"])


def test_a_good_file_previews_then_imports(registry):
    rows = [("4601", "nynorsk"), ("3301", "Bokmål"), ("0301", "nøytral"), ("42", "nynorsk")]
    preview = LanguageDecisionResource().import_data(_dataset(rows), dry_run=True)
    assert not preview.has_errors() and not preview.has_validation_errors()
    assert Organisation.objects.get(municipality_number="4601").written_standard == "neutral"
    LanguageDecisionResource().import_data(_dataset(rows), dry_run=False)
    assert Organisation.objects.get(municipality_number="4601").written_standard == "nn"
    assert Organisation.objects.get(municipality_number="3301").written_standard == "nb"
    assert _county("42").written_standard == "nn"
    assert Organisation.objects.count() == 371, "an import never creates organisations"


def test_one_bad_row_imports_nothing_and_is_named(registry):
    rows = [("4601", "nynorsk"), ("9999", "nynorsk"), ("3301", "samisk")]
    result = LanguageDecisionResource().import_data(_dataset(rows), dry_run=False)
    assert result.has_errors()
    messages = " ".join(str(e.error) for _line, errors in result.row_errors() for e in errors)
    assert "9999" in messages and "samisk" in messages
    assert Organisation.objects.get(municipality_number="4601").written_standard == "neutral"


def test_the_admin_shows_a_preview_before_importing(registry, client, administrator):
    client.force_login(administrator)
    upload = SimpleUploadedFile(
        "maalform.csv", "nummer,målform\n4601,nynorsk\n".encode(), content_type="text/csv"
    )
    page = client.get(reverse("admin:accounts_organisation_import")).content.decode()
    assert "Skriftspråk" in page or "målform" in page.lower()
    response = client.post(
        reverse("admin:accounts_organisation_import"),
        {"resource": "1", "format": "0", "import_file": upload},
    )
    assert response.status_code == 200
    assert "Bekreft import" in response.content.decode()
    assert Organisation.objects.get(municipality_number="4601").written_standard == "neutral"
