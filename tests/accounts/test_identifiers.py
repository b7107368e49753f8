import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from imdi_grants.accounts.forms import OrganisationForm
from imdi_grants.lib.identifiers import (
    normalise_bank_account_number,
    normalise_organisation_number,
)


@pytest.mark.parametrize("value", ["921234554", "921 234 554", "958935420"])
def test_good_organisation_numbers_are_normalised(value):
    assert normalise_organisation_number(value) == value.replace(" ", "")


@pytest.mark.parametrize("value", ["921234555", "92123455", "abc", "9212345540"])
def test_bad_organisation_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        normalise_organisation_number(value)


@pytest.mark.parametrize("value", ["15031234562", "1503.12.34562", "1503 12 34562"])
def test_good_bank_account_numbers_are_normalised(value):
    assert normalise_bank_account_number(value) == "15031234562"


@pytest.mark.parametrize("value", ["15031234563", "1503123456", "150312345621"])
def test_bad_bank_account_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        normalise_bank_account_number(value)


@pytest.mark.django_db
def test_a_wrong_check_digit_is_a_norwegian_form_error(municipality):
    data = {
        "written_standard": "nb",
        "organisation_number": "921234555",
        "bank_account_number": "1503.12.34563",
        "postal_address": "Postboks 1",
        "postal_code": "3008",
        "postal_place": "Drammen",
        "phone": "",
        "email": "",
    }
    with translation.override("nb"):
        form = OrganisationForm(data, instance=municipality)
        assert not form.is_valid()
        assert "ikke et gyldig organisasjonsnummer" in form.errors["organisation_number"][0]
        assert "ikke et gyldig kontonummer" in form.errors["bank_account_number"][0]
    # What the user typed is kept for the form to show again.
    assert form["bank_account_number"].value() == "1503.12.34563"
