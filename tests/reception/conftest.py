from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from applications.reception import services
from applications.reception.models import PartnershipAgreement
from schemes.models import SchemeCode
from schemes.selectors import scheme_year_get

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def year_2024(seeded):
    return scheme_year_get(scheme_code=SchemeCode.RECEPTION, year=2024)


def partnership(organisation, valid_from=dt.date(2024, 1, 1)):
    agreement = PartnershipAgreement(
        organisation=organisation,
        asylum_reception_centre="Drammen asylmottak",
        career_centre="Karrieresenteret i Buskerud",
        nav_office="NAV Drammen",
        valid_from=valid_from,
        responsibilities="Mottaket melder beboere; NAV og karrieresenteret veileder.",
    )
    agreement.document.save("avtale.pdf", ContentFile(MINIMAL_PDF), save=False)
    agreement.save()
    return agreement


@pytest.fixture
def offered_grant(year_2024, municipality, caseworker):
    services.agreement_register(
        organisation=municipality,
        start_date=dt.date(2024, 1, 1),
        end_date=None,
        places=50,
        by=caseworker,
    )
    partnership(municipality)
    return services.grant_offer(organisation=municipality, scheme_year=year_2024, by=caseworker)


ACCEPTANCE_FIELDS = {
    "municipality_name": "Drammen kommune",
    "address": "Postboks 7500, 3008 Drammen",
    "phone": "32 04 00 00",
    "email": "postmottak@drammen.example",
    "organisation_number": "921234554",
    "bank_account_number": "15031234562",
    "contact_persons": "Anne Andersen, prosjektleder",
    "prerequisites": "Kommunen har lang erfaring med introduksjonsprogrammet.",
    "earlier_grants": "",
}
