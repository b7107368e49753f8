"""Issue 10: a grant closes when every report is approved and every payment and reclaim is
settled; a closed case is read-only and gets a closing letter."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from grants import services
from grants.models import GrantStatus
from imdi_grants.lib.workflow import DomainError
from reporting.models import Report
from tests.reception_fixtures import pay

pytestmark = pytest.mark.django_db


def test_a_grant_closes_when_everything_is_settled_and_then_stays_closed(
    accepted_grant, caseworker, second_caseworker, administrator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    accepted_grant.scheme_year.budget_authority_name = "Hanne Hansen"
    accepted_grant.scheme_year.save(update_fields=["budget_authority_name"])
    problems = services.grant_closing_problems(grant=accepted_grant)
    assert any("1 terms" in p or "1 terminer" in p for p in problems), problems
    assert any("rapport" in p.lower() or "report" in p for p in problems), problems
    with pytest.raises(DomainError):
        services.grant_close(grant=accepted_grant, by=caseworker)

    pay(accepted_grant, proposer=caseworker, approver=second_caseworker)
    Report.objects.filter(grant=accepted_grant).update(status="approved")
    reclaim = services.reaction_propose(
        grant=accepted_grant,
        kind="reclaim",
        amount=Decimal("84600"),
        grounds="Ubrukte midler.",
        by=caseworker,
    )
    services.reaction_decide(reaction=reclaim, by=administrator, approve=True)
    accepted_grant.refresh_from_db()
    assert any("84" in p for p in services.grant_closing_problems(grant=accepted_grant))
    services.repayment_record(
        grant=accepted_grant,
        amount=Decimal("84600"),
        received_on=dt.date(2025, 2, 1),
        reason="Tilbakebetalt",
        by=caseworker,
    )
    accepted_grant.refresh_from_db()
    assert services.grant_closing_problems(grant=accepted_grant) == []
    services.grant_close(grant=accepted_grant, by=caseworker)
    accepted_grant.refresh_from_db()
    assert accepted_grant.status == GrantStatus.CLOSED

    letter = accepted_grant.closing_letter
    later = timezone.now() + dt.timedelta(minutes=6)
    assert services.closing_letters_sweep() == 0, "not yet: the task may still be running"
    assert services.closing_letters_sweep(now=later) == 1, "a lost closing letter is found"
    services.closing_letter_send(letter_id=letter.pk, on=dt.date(2025, 3, 1))
    services.closing_letter_render(letter_id=letter.pk)
    letter.refresh_from_db()
    assert services.closing_letters_sweep(now=later) == 0
    letter.file.open("rb")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.file.read())).pages)
    letter.file.close()
    assert accepted_grant.case_number in text and "1 284 600" in text.replace("\xa0", " ")

    for attempt in (
        lambda: services.reaction_propose(
            grant=accepted_grant, kind="reclaim", amount=Decimal(1), grounds="x", by=caseworker
        ),
        lambda: services.repayment_record(
            grant=accepted_grant,
            amount=Decimal(1),
            received_on=dt.date(2025, 3, 1),
            reason="x",
            by=caseworker,
        ),
        lambda: services.grant_close(grant=accepted_grant, by=caseworker),
    ):
        with pytest.raises(DomainError):
            attempt()


def test_the_grant_is_closed_from_its_money_page(
    client, accepted_grant, caseworker, second_caseworker, signatory
):
    from django.urls import reverse

    accepted_grant.scheme_year.budget_authority_name = "Hanne Hansen"
    accepted_grant.scheme_year.save(update_fields=["budget_authority_name"])
    url = reverse("grants:grant_money", args=[accepted_grant.pk])
    close = reverse("grants:grant_close", args=[accepted_grant.pk])
    client.force_login(caseworker)
    assert 'data-testid="closing-problems"' in client.get(url).content.decode()
    client.post(close)
    accepted_grant.refresh_from_db()
    assert accepted_grant.status != GrantStatus.CLOSED
    pay(accepted_grant, proposer=caseworker, approver=second_caseworker)
    Report.objects.filter(grant=accepted_grant).update(status="approved")
    client.post(close)
    accepted_grant.refresh_from_db()
    assert accepted_grant.status == GrantStatus.CLOSED
    client.force_login(signatory)
    page = client.get(url).content.decode()
    assert 'data-testid="closed"' in page and "reaction-form" not in page
    assert client.post(close).status_code == 404, "only staff close a grant"
