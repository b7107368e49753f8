import pytest

from imdi_grants.accounts.models import Organisation
from imdi_grants.accounts.services import organisations_load


@pytest.mark.django_db
def test_it_loads_every_municipality_and_county_authority_once():
    first = organisations_load()
    assert Organisation.objects.filter(is_municipality=True).count() == 357
    assert Organisation.objects.filter(is_county_municipality=True).count() == 15
    # Oslo is both a municipality and a county authority: one organisation.
    assert Organisation.objects.count() == 371
    assert first.created == 371

    second = organisations_load()
    assert second.created == 0
    assert second.updated == 0
    assert Organisation.objects.filter(is_municipality=True).count() == 357
    assert Organisation.objects.filter(is_county_municipality=True).count() == 15


@pytest.mark.django_db
def test_loaded_rows_are_right():
    organisations_load()
    oslo = Organisation.objects.get(municipality_number="0301")
    assert oslo.is_municipality and oslo.is_county_municipality
    assert oslo.organisation_number == "958935420"
    drammen = Organisation.objects.get(municipality_number="3301")
    assert drammen.name == "Drammen kommune"
    assert drammen.organisation_number == "921234554"
    buskerud = Organisation.objects.get(county_number="33", is_county_municipality=True)
    assert buskerud.name == "Buskerud fylkeskommune"
    assert not buskerud.is_municipality
    haram = Organisation.objects.get(municipality_number="1580")
    assert haram.organisation_number is None


@pytest.mark.django_db
def test_loading_again_keeps_what_an_administrator_set():
    organisations_load()
    Organisation.objects.filter(municipality_number="1580").update(
        organisation_number="974567342",
        written_standard="nn",
    )
    organisations_load()
    haram = Organisation.objects.get(municipality_number="1580")
    assert haram.organisation_number == "974567342"
    assert haram.written_standard == "nn"
