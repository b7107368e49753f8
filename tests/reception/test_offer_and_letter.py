"""The reception grant up to the decision: offer, acceptance letter, the grant letter with its
monthly breakdown, and change requests."""

from __future__ import annotations

import datetime as dt
import io
import time
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from applications.reception import services
from applications.reception.models import OfferStatus
from grants import services as grant_services
from grants.models import GrantLetter, GrantStatus, Payment
from imdi_grants.accounts.models import MembershipRole
from imdi_grants.lib.workflow import DomainError
from tests.factories import MembershipFactory
from tests.reception_fixtures import ACCEPTANCE_FIELDS, issue, partnership


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return text.replace("\xa0", " ")


def test_the_offer_is_refused_without_a_partnership_agreement(year_2024, municipality, caseworker):
    services.agreement_register(
        organisation=municipality,
        start_date=dt.date(2024, 1, 1),
        end_date=None,
        places=50,
        by=caseworker,
    )
    with pytest.raises(DomainError, match="ingen gyldig partnerskapsavtale"):
        services.offer_send(organisation=municipality, scheme_year=year_2024, by=caseworker)


def test_no_offer_is_sent_on_a_year_still_under_review(year_2024, municipality, caseworker):
    """Issue 11: a copied year is a draft until an administrator publishes it."""
    from applications.reception.forms import OfferForm
    from tests.reception_fixtures import partnership

    services.agreement_register(
        organisation=municipality,
        start_date=dt.date(2024, 1, 1),
        end_date=None,
        places=50,
        by=caseworker,
    )
    partnership(municipality)
    type(year_2024).objects.filter(pk=year_2024.pk).update(published_at=None)
    year_2024.refresh_from_db()
    with pytest.raises(DomainError, match="utkast"):
        services.offer_send(organisation=municipality, scheme_year=year_2024, by=caseworker)
    assert year_2024 not in OfferForm().fields["scheme_year"].queryset


def test_the_offer_is_refused_without_an_agreement(year_2024, municipality, caseworker):
    with pytest.raises(DomainError, match="ingen avtale om integreringsmottak"):
        services.offer_send(organisation=municipality, scheme_year=year_2024, by=caseworker)


def test_the_offer_computes_the_2024_amount(offer):
    assert offer.amount == Decimal("1284600")
    assert offer.case_number.startswith("2024/")
    assert offer.status == OfferStatus.OFFERED
    assert offer.grant is None


def test_an_applicant_cannot_submit_the_acceptance_letter(offer, applicant):
    with pytest.raises(DomainError):
        services.acceptance_letter_submit(offer=offer, by=applicant, fields=ACCEPTANCE_FIELDS)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OFFERED


def test_a_member_without_signing_rights_can_save_but_not_submit(offer, applicant):
    services.acceptance_letter_save(offer=offer, by=applicant, fields=ACCEPTANCE_FIELDS)
    with pytest.raises(DomainError):
        services.acceptance_letter_submit(offer=offer, by=applicant, fields=ACCEPTANCE_FIELDS)
    other = MembershipFactory(role=MembershipRole.APPLICANT).user
    with pytest.raises(DomainError):
        services.acceptance_letter_save(offer=offer, by=other, fields=ACCEPTANCE_FIELDS)


def test_the_grant_letter_turns_the_offer_into_a_shared_grant(offer, signatory, caseworker):
    letter = issue(offer, signatory, caseworker)
    grant = offer.grant
    assert offer.status == OfferStatus.GRANTED
    assert letter.grant == grant
    assert grant.case_number == offer.case_number
    assert grant.status == GrantStatus.LETTER_ISSUED
    assert grant.amount == Decimal("1284600")
    assert (grant.starts_on, grant.ends_on) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert grant.bank_account_number == ACCEPTANCE_FIELDS["bank_account_number"]
    [payment] = Payment.objects.filter(grant=grant)
    assert (payment.term, payment.amount, payment.due_on) == (
        "yearly",
        Decimal("1284600"),
        dt.date(2024, 4, 15),
    )


def test_a_second_click_on_issue_makes_no_second_letter(offer, signatory, caseworker):
    issue(offer, signatory, caseworker)
    with pytest.raises(DomainError):
        services.offer_grant(offer=offer, by=caseworker)
    assert GrantLetter.objects.count() == 1


def test_only_imdi_issues_the_letter(offer, signatory):
    services.acceptance_letter_submit(offer=offer, by=signatory, fields=ACCEPTANCE_FIELDS)
    with pytest.raises(DomainError) as refused:
        services.offer_grant(offer=offer, by=signatory)
    assert refused.value.code == "forbidden"
    offer.refresh_from_db()
    assert offer.grant is None


@pytest.mark.django_db(transaction=True)
def test_the_letter_is_rendered_once_in_nynorsk(offer, signatory, caseworker):
    municipality = offer.organisation
    municipality.written_standard = "nn"
    municipality.save()
    letter = issue(offer, signatory, caseworker)
    letter.refresh_from_db()
    assert letter.language == "nn"
    assert grant_services.grant_letter_render(letter_id=letter.pk) is True
    assert grant_services.grant_letter_render(letter_id=letter.pk) is False
    letter.refresh_from_db()
    text = _pdf_text(letter.file.read())
    assert offer.case_number in text
    assert "1 284 600" in text
    assert "Tilskotsbrev" in text or "tilskot" in text.lower()
    assert "ikkje" in text
    assert "Integrerings- og mangfaldsdirektoratet" in text, "the agency's name in nynorsk too"
    assert "mangfoldsdirektoratet" not in text


@pytest.mark.worker
def test_a_real_worker_renders_the_letter(
    celery_worker_on_redis, year_2024, municipality, caseworker, signatory
):
    services.agreement_register(
        organisation=municipality,
        start_date=dt.date(2024, 1, 1),
        end_date=None,
        places=50,
        by=caseworker,
    )
    partnership(municipality)
    offer = services.offer_send(organisation=municipality, scheme_year=year_2024, by=caseworker)
    letter = issue(offer, signatory, caseworker)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        letter.refresh_from_db()
        if letter.rendered_at:
            break
        time.sleep(0.2)
    assert letter.rendered_at, "the worker did not render the letter"
    assert len(letter.sha256) == 64
    text = _pdf_text(letter.file.read())
    assert offer.case_number in text
    assert "1 284 600" in text
    # The worker may send the letter (today) before the test does (1 February 2024): either
    # way the PDF carries the acceptance deadline the letter was sent with.
    with translation.override("nb"):
        assert date_format(letter.acceptance_deadline, "j. F Y") in text
    assert GrantLetter.objects.count() == 1


def test_an_approved_change_request_gives_a_second_letter_version(
    issued_grant, signatory, caseworker, applicant
):
    with pytest.raises(DomainError):
        services.change_request_submit(grant=issued_grant, by=applicant, description="x")
    request = services.change_request_submit(
        grant=issued_grant,
        by=signatory,
        description="Mottaket får 40 plasser fra juli.",
        places=40,
        places_from=dt.date(2024, 7, 1),
    )
    with pytest.raises(DomainError):
        services.change_request_decide(change_request=request, by=signatory, approve=True)
    second = services.change_request_decide(
        change_request=request, by=caseworker, approve=True, comment="Godkjent"
    )
    assert second.version == 2
    assert second.amount == Decimal("1156140")
    issued_grant.refresh_from_db()
    assert issued_grant.amount == Decimal("1156140")
    assert issued_grant.status == GrantStatus.LETTER_ISSUED
    assert issued_grant.payments.get().amount == Decimal("1156140")
    with pytest.raises(DomainError):
        services.change_request_decide(change_request=request, by=caseworker, approve=False)


def test_a_refused_change_request_changes_nothing(issued_grant, signatory, caseworker):
    request = services.change_request_submit(
        grant=issued_grant,
        by=signatory,
        description="Flere plasser",
        places=80,
        places_from=dt.date(2024, 3, 1),
    )
    assert (
        services.change_request_decide(
            change_request=request, by=caseworker, approve=False, comment="Ikke grunnlag"
        )
        is None
    )
    assert issued_grant.letters.count() == 1
    assert issued_grant.reception_offer.agreement.place_counts.count() == 1


def test_earlier_grants_prefill_the_next_acceptance_letter(accepted_grant, caseworker):
    from schemes.models import SchemeYear

    next_year = SchemeYear.objects.create(
        scheme=accepted_grant.scheme_year.scheme,
        year=2025,
        rate_per_place_per_month=2141,
        published_at=timezone.now(),
    )
    offer = services.offer_send(
        organisation=accepted_grant.organisation, scheme_year=next_year, by=caseworker
    )
    initial = services.acceptance_letter_initial(offer=offer)
    assert accepted_grant.case_number in initial["earlier_grants"]
    assert "01.02.2024" in initial["earlier_grants"]


@pytest.mark.django_db(transaction=True)
def test_two_offers_at_once_give_one_offer_and_a_clear_message(year_2024, municipality, caseworker):
    """Issue 12: two caseworkers offer the same municipality the same year at the same moment;
    the second gets the rule's message, not a server error."""
    import threading

    from django.db import connection, transaction

    from applications.reception.models import ReceptionOffer

    services.agreement_register(
        organisation=municipality,
        start_date=dt.date(2024, 1, 1),
        end_date=None,
        places=50,
        by=caseworker,
    )
    partnership(municipality)
    first_inside = threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                services.offer_send(organisation=municipality, scheme_year=year_2024, by=caseworker)
                first_inside.set()
                time.sleep(1.0)  # the second is now past its check, waiting on the lock
        finally:
            connection.close()

    def second() -> None:
        first_inside.wait(10)
        try:
            services.offer_send(organisation=municipality, scheme_year=year_2024, by=caseworker)
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert isinstance(outcome.get("error"), DomainError), outcome
    assert "allerede fått tilbud" in str(outcome["error"]) or "already" in str(outcome["error"])
    assert ReceptionOffer.objects.count() == 1
