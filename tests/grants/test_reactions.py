"""Issue 10: reactions to a breach of conditions. A caseworker proposes withholding or reclaim
with grounds, an administrator other than the proposer decides; withheld amounts are held back
from the terms, a reclaim is set off against the next payment, all in whole kroner; the letter
states the amount, the due date and the account, and for the development grant the right to
appeal."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from grants import services
from grants.models import PaymentStatus, ReactionStatus
from imdi_grants.lib.workflow import DomainError
from tests.factories import AdministratorFactory
from tests.reception_fixtures import pay

pytestmark = pytest.mark.django_db


def letter_text(reaction) -> str:
    services.reaction_letter_send(reaction_id=reaction.pk, on=dt.date(2024, 6, 3))
    services.reaction_letter_render(reaction_id=reaction.pk)
    reaction.refresh_from_db()
    reaction.file.open("rb")
    try:
        pages = PdfReader(io.BytesIO(reaction.file.read())).pages
    finally:
        reaction.file.close()
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pages).replace("\xa0", " ")


@pytest.fixture
def second_administrator(db):
    return AdministratorFactory()


def test_withholding_is_held_back_from_the_term_in_whole_kroner(
    accepted_grant, caseworker, administrator, second_caseworker, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    accepted_grant.scheme_year.budget_authority_name = "Hanne Hansen"
    accepted_grant.scheme_year.save(update_fields=["budget_authority_name"])
    with pytest.raises(DomainError, match="1\xa0284\xa0600"):
        services.reaction_propose(
            grant=accepted_grant,
            kind="withholding",
            amount=Decimal("1284601"),
            grounds="Rapporten mangler.",
            by=caseworker,
        )
    reaction = services.reaction_propose(
        grant=accepted_grant,
        kind="withholding",
        amount=Decimal("284600"),
        grounds="Deltakerne fikk ikke norskopplæring.",
        by=caseworker,
    )
    for refused in (caseworker, second_caseworker):
        with pytest.raises(DomainError) as exc:
            services.reaction_decide(reaction=reaction, by=refused, approve=True)
        assert exc.value.code == "forbidden"
    services.reaction_decide(reaction=reaction, by=administrator, approve=True)
    payment = accepted_grant.payments.get()
    assert (payment.amount, payment.withheld, payment.net) == (
        Decimal("1284600"),
        Decimal("284600"),
        Decimal("1000000"),
    )
    text = letter_text(reaction)
    assert "284 600" in text and "Deltakerne fikk ikke norskopplæring." in text
    assert "tre uker" not in text, "an allocation of the reception grant is no individual decision"
    paid = pay(accepted_grant, proposer=caseworker, approver=second_caseworker)
    assert paid.net == Decimal("1000000")
    ledger = services.grant_ledger(grant=accepted_grant)
    assert (ledger["paid"], ledger["withheld"], ledger["owed"]) == (
        Decimal("1000000"),
        Decimal("284600"),
        Decimal("0"),
    )


def test_the_proposer_cannot_decide_their_own_reaction(
    accepted_grant, administrator, second_administrator
):
    reaction = services.reaction_propose(
        grant=accepted_grant,
        kind="withholding",
        amount=Decimal("1000"),
        grounds="Brudd.",
        by=administrator,
    )
    with pytest.raises(DomainError) as exc:
        services.reaction_decide(reaction=reaction, by=administrator, approve=True)
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError):
        services.reaction_decide(reaction=reaction, by=second_administrator, approve=False)
    services.reaction_decide(
        reaction=reaction, by=second_administrator, approve=False, reason="Ikke dokumentert."
    )
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.REJECTED
    assert accepted_grant.payments.get().withheld == 0


def test_the_grants_money_page_proposes_and_an_administrator_decides(
    client, accepted_grant, caseworker, administrator, signatory, outsider
):
    from django.urls import reverse

    accepted_grant.scheme_year.budget_authority_name = "Hanne Hansen"
    accepted_grant.scheme_year.save(update_fields=["budget_authority_name"])
    url = reverse("grants:grant_money", args=[accepted_grant.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(signatory)
    assert client.get(url).status_code == 200
    assert client.post(url, {"re-kind": "withholding"}).status_code == 404
    client.force_login(caseworker)
    response = client.post(url, {"re-kind": "withholding", "re-amount": "10 000"})
    assert response.status_code == 400 and 'value="10 000"' in response.content.decode()
    response = client.post(
        url, {"re-kind": "withholding", "re-amount": "10 000", "re-grounds": "Brudd på vilkår"}
    )
    assert response.status_code == 302
    reaction = accepted_grant.reactions.get()
    client.force_login(signatory)
    assert "Brudd på vilkår" not in client.get(url).content.decode(), "internal until decided"
    client.force_login(caseworker)
    decide = reverse("grants:reaction_decide", args=[reaction.pk])
    client.post(decide, {"decision": "approve"})
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.PROPOSED, "a caseworker does not decide"
    client.force_login(administrator)
    client.post(decide, {"decision": "approve"})
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.APPROVED
    assert accepted_grant.payments.get(status=PaymentStatus.PLANNED).withheld == Decimal(10000)
    page = client.get(url).content.decode()
    assert "10\xa0000\xa0kr" in page
    client.force_login(signatory)
    assert "Brudd på vilkår" in client.get(url).content.decode()


def test_a_reclaim_still_owed_is_reminded_before_and_after_its_due_date(
    accepted_grant, caseworker, administrator, second_caseworker
):
    from grants.reminders import reclaim_reminders_send
    from imdi_grants.outbox.models import OutboxMessage

    accepted_grant.scheme_year.budget_authority_name = "Hanne Hansen"
    accepted_grant.scheme_year.save(update_fields=["budget_authority_name"])
    pay(accepted_grant, proposer=caseworker, approver=second_caseworker)
    reclaim = services.reaction_propose(
        grant=accepted_grant, kind="reclaim", amount=Decimal(5000), grounds="Brudd.", by=caseworker
    )
    services.reaction_decide(reaction=reclaim, by=administrator, approve=True)
    reclaim.refresh_from_db()
    due = reclaim.due_on
    users = accepted_grant.organisation.memberships.count()
    assert reclaim_reminders_send(today=due - dt.timedelta(days=14)) == users
    assert reclaim_reminders_send(today=due - dt.timedelta(days=14)) == 0
    assert reclaim_reminders_send(today=due - dt.timedelta(days=5)) == 0
    assert reclaim_reminders_send(today=due + dt.timedelta(days=1)) == users + 1
    assert OutboxMessage.objects.filter(
        recipient=caseworker, key__startswith="reminder:reclaim:"
    ).exists()
    services.repayment_record(
        grant=accepted_grant,
        amount=Decimal(5000),
        received_on=due,
        reason="Betalt",
        by=caseworker,
    )
    assert reclaim_reminders_send(today=due - dt.timedelta(days=3)) == 0, "paid: no reminder"
