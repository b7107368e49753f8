"""The reception grant's way to a ``grants.Grant``, as fixtures for the reception, grants and
reporting tests (registered in tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile

from applications.reception import services
from applications.reception.models import PartnershipAgreement
from grants import services as grant_services
from schemes.models import SchemeCode
from schemes.selectors import scheme_year_get

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

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


@pytest.fixture
def year_2024(seeded):
    """The 2024 reception year, with a signer with budget authority named (the circular names
    none, so the administrator does)."""
    year = scheme_year_get(scheme_code=SchemeCode.RECEPTION, year=2024)
    year.budget_authority_name = "Hanne Hansen"
    year.budget_authority_title = "Avdelingsdirektør"
    year.save(update_fields=["budget_authority_name", "budget_authority_title"])
    return year


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


OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def offer(year_2024, municipality, caseworker):
    """Drammen, 50 places all of 2024, offered the grant."""
    services.agreement_register(
        organisation=municipality,
        start_date=dt.date(2024, 1, 1),
        end_date=None,
        places=50,
        by=caseworker,
    )
    partnership(municipality)
    return services.offer_send(organisation=municipality, scheme_year=year_2024, by=caseworker)


def issue(offer, signatory, caseworker, on=dt.date(2024, 2, 1)):
    """The acceptance letter submitted and the grant letter issued and sent ``on`` (as the task
    does after commit, which a test's transaction never reaches); returns the letter."""
    services.acceptance_letter_submit(offer=offer, by=signatory, fields=ACCEPTANCE_FIELDS)
    letter = services.offer_grant(offer=offer, by=caseworker)
    grant_services.grant_letter_send(letter_id=letter.pk, on=on)
    letter.refresh_from_db()
    offer.refresh_from_db()
    return letter


@pytest.fixture
def issued_grant(offer, signatory, caseworker):
    issue(offer, signatory, caseworker)
    return offer.grant


@pytest.fixture
def accepted_grant(issued_grant, signatory):
    grant_services.grant_accept(
        grant=issued_grant, by=signatory, at=dt.datetime(2024, 2, 10, 12, tzinfo=OSLO)
    )
    issued_grant.refresh_from_db()
    return issued_grant


def pay(grant, *, proposer, approver, on=dt.date(2024, 3, 1)):
    """Put the grant's next planned term on a payment list and have a second person approve it
    (four eyes); returns the approved payment."""
    from grants import services as grant_services
    from grants.models import PaymentStatus

    payment = grant.payments.filter(status=PaymentStatus.PLANNED).order_by("due_on").first()
    batch = grant_services.payments_propose(payments=[payment], payment_date=on, by=proposer)
    grant_services.payment_batch_approve(batch=batch, by=approver)
    payment.refresh_from_db()
    return payment
