"""Letter versions (issue 8): a change keeps what was accepted, a reopening sends a new letter with
its new deadline, a letter needs a signer with budget authority, and a stale or doubled action
never undoes a decision."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications.reception import services as reception
from grants import services
from grants.models import GrantLetter, GrantStatus, LetterKind, LetterStatus
from imdi_grants.lib.workflow import DomainError
from tests.reception_fixtures import ACCEPTANCE_FIELDS, OSLO, partnership


def _pdf_text(letter: GrantLetter) -> str:
    services.grant_letter_render(letter_id=letter.pk)
    letter.refresh_from_db()
    reader = PdfReader(io.BytesIO(letter.file.read()))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


def _change(grant, signatory, caseworker, places=40):
    request = reception.change_request_submit(
        grant=grant,
        by=signatory,
        description=f"Mottaket får {places} plasser fra juli.",
        places=places,
        places_from=dt.date(2024, 7, 1),
    )
    letter = reception.change_request_decide(
        change_request=request, by=caseworker, approve=True, comment="Godkjent"
    )
    services.grant_letter_send(letter_id=letter.pk, on=dt.date(2024, 7, 1))
    letter.refresh_from_db()
    return letter


def test_an_approved_change_does_not_cost_an_accepted_grant(accepted_grant, signatory, caseworker):
    change = _change(accepted_grant, signatory, caseworker)
    accepted_grant.refresh_from_db()
    assert change.kind == LetterKind.CHANGE and change.version == 2
    assert accepted_grant.status == GrantStatus.ACCEPTED
    assert accepted_grant.amount == Decimal("1284600"), "the accepted amount stands until then"
    assert accepted_grant.payments.get().amount == Decimal("1284600")
    # The hourly job lets the unaccepted change lapse, never the accepted grant.
    late = dt.datetime.combine(change.acceptance_deadline, dt.time(12), tzinfo=OSLO)
    assert services.grants_lapse_overdue(at=late + dt.timedelta(days=1)) == 0
    change.refresh_from_db()
    accepted_grant.refresh_from_db()
    assert change.status == LetterStatus.LAPSED
    assert accepted_grant.status == GrantStatus.ACCEPTED
    assert accepted_grant.amount == Decimal("1284600")


def test_accepting_the_change_makes_it_take_effect(accepted_grant, signatory, caseworker):
    change = _change(accepted_grant, signatory, caseworker)
    services.letter_accept(letter=change, by=signatory, at=dt.datetime(2024, 7, 2, 12, tzinfo=OSLO))
    accepted_grant.refresh_from_db()
    assert accepted_grant.status == GrantStatus.ACCEPTED
    assert accepted_grant.amount == Decimal("1156140")
    assert accepted_grant.payments.get().amount == Decimal("1156140")
    first = accepted_grant.letters.get(version=1)
    assert first.status == LetterStatus.ACCEPTED


def test_a_second_change_replaces_the_first_still_waiting(accepted_grant, signatory, caseworker):
    first = _change(accepted_grant, signatory, caseworker, places=40)
    second = _change(accepted_grant, signatory, caseworker, places=45)
    first.refresh_from_db()
    assert first.status == LetterStatus.SUPERSEDED
    with pytest.raises(DomainError) as stale:
        services.letter_accept(letter=first, by=signatory)
    assert stale.value.code == "stale"
    services.letter_accept(letter=second, by=signatory, at=dt.datetime(2024, 7, 2, 12, tzinfo=OSLO))


def test_reopening_sends_a_new_letter_with_the_new_deadline(issued_grant, caseworker, time_machine):
    time_machine.move_to(dt.datetime(2024, 2, 20, 10, tzinfo=OSLO))
    services.grants_lapse_overdue()
    issued_grant.refresh_from_db()
    assert issued_grant.status == GrantStatus.LAPSED
    letter = services.grant_reopen(
        grant=issued_grant, by=caseworker, reason="Kommunen var syk", seen=GrantStatus.LAPSED
    )
    assert (letter.version, letter.kind) == (2, LetterKind.REOPENED)
    assert letter.acceptance_deadline is None, "the deadline runs from when it is sent"
    services.grant_letter_send(letter_id=letter.pk)
    letter.refresh_from_db()
    assert letter.acceptance_deadline == dt.date(2024, 3, 5)
    assert "5. mars 2024" in _pdf_text(letter)
    assert issued_grant.letters.get(version=1).status == LetterStatus.LAPSED


def test_a_stale_tab_cannot_reopen_or_issue_again(issued_grant, offer, caseworker, signatory):
    services.grant_accept(
        grant=issued_grant, by=signatory, at=dt.datetime(2024, 2, 10, 12, tzinfo=OSLO)
    )
    with pytest.raises(DomainError) as stale:
        services.grant_reopen(
            grant=issued_grant, by=caseworker, reason="x", seen=GrantStatus.LAPSED
        )
    assert stale.value.code == "stale"
    with pytest.raises(DomainError):
        reception.offer_grant(offer=offer, by=caseworker, seen="acceptance_letter_submitted")
    issued_grant.refresh_from_db()
    assert issued_grant.status == GrantStatus.ACCEPTED
    assert issued_grant.letters.count() == 1


def test_a_double_click_on_issue_through_the_page_makes_one_letter(
    client, offer, signatory, caseworker
):
    reception.acceptance_letter_submit(offer=offer, by=signatory, fields=ACCEPTANCE_FIELDS)
    client.force_login(caseworker)
    url = reverse("reception:letter_issue", args=[offer.pk])
    client.post(url, {"seen": "acceptance_letter_submitted"})
    response = client.post(url, {"seen": "acceptance_letter_submitted"}, follow=True)
    assert GrantLetter.objects.filter(grant__reception_offer=offer).count() == 1
    assert "etter at du åpnet siden" in response.content.decode()


def test_no_letter_without_a_signer_with_budget_authority(offer, signatory, caseworker):
    year = offer.scheme_year
    year.budget_authority_name = ""
    year.save(update_fields=["budget_authority_name"])
    reception.acceptance_letter_submit(offer=offer, by=signatory, fields=ACCEPTANCE_FIELDS)
    with pytest.raises(DomainError, match="budsjettdisponeringsmyndighet"):
        reception.offer_grant(offer=offer, by=caseworker)
    offer.refresh_from_db()
    assert offer.grant is None


def test_the_letter_states_payment_date_grant_year_and_signer(issued_grant):
    text = _pdf_text(issued_grant.letters.get())
    assert "15. april 2024" in text
    assert "2024" in text and "tilskuddsåret" in text
    assert "Hanne Hansen" in text
    assert "elektronisk" not in text


def test_a_partnership_that_expired_in_january_does_not_qualify(
    year_2024, municipality, caseworker
):
    reception.agreement_register(
        organisation=municipality,
        start_date=dt.date(2024, 1, 1),
        end_date=None,
        places=50,
        by=caseworker,
    )
    expiring = partnership(municipality)
    expiring.valid_to = dt.date(2024, 1, 31)
    expiring.save()
    with pytest.raises(DomainError, match="partnerskapsavtale"):
        reception.offer_send(organisation=municipality, scheme_year=year_2024, by=caseworker)


def test_the_partnership_is_checked_again_when_the_letter_is_issued(offer, signatory, caseworker):
    reception.acceptance_letter_submit(offer=offer, by=signatory, fields=ACCEPTANCE_FIELDS)
    offer.organisation.partnership_agreements.update(valid_to=dt.date(2024, 1, 31))
    with pytest.raises(DomainError, match="partnerskapsavtale"):
        reception.offer_grant(offer=offer, by=caseworker)
