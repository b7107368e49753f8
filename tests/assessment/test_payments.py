"""Issue 10: an accepted development grant is paid in its spring and autumn terms, each term on
a payment list proposed by one person and approved by another; the autumn term waits for the
status report of 1 September to be approved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from grants import services as grant_services
from grants.models import GrantStatus, PaymentStatus
from imdi_grants.lib.workflow import DomainError
from reporting import services as reporting

from .conftest import award_and_accept, scored

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(in_assessment, lead, assessor_a, assessor_b, signatory):
    application = scored(in_assessment, lead, assessor_a, assessor_b)
    return award_and_accept(application, lead, signatory, amount="350001", planned_years={})


def test_spring_is_paid_and_autumn_waits_for_the_approved_status_report(
    accepted, assessor_a, lead, applicant
):
    spring, autumn = accepted.payments.order_by("due_on")
    assert (spring.term, spring.amount) == ("spring", Decimal("175001"))
    assert (autumn.term, autumn.amount) == ("autumn", Decimal("175000"))
    held = grant_services.payments_held_back(payments=[spring, autumn])
    assert spring.pk not in held
    assert "01.09.2025" in held[autumn.pk][0]
    with pytest.raises(DomainError, match=r"01\.09\.2025"):
        grant_services.payments_propose(
            payments=[autumn], payment_date=dt.date(2025, 10, 15), by=assessor_a
        )
    batch = grant_services.payments_propose(
        payments=[spring], payment_date=dt.date(2025, 5, 15), by=assessor_a
    )
    grant_services.payment_batch_approve(batch=batch, by=lead)
    accepted.refresh_from_db()
    assert accepted.status == GrantStatus.ACCEPTED, "the autumn term is still to come"

    status_report = accepted.reports.get(kind="status")
    reporting.report_save(
        report=status_report,
        by=applicant,
        fields={
            "participants": 14,
            "income": Decimal(175001),
            "expenses": Decimal(90000),
            "narrative": "Tolv deltakere er i gang; språkpraksisen starter i oktober.",
        },
        activities={},
    )
    reporting.report_submit(report=status_report, by=applicant)
    autumn.refresh_from_db()
    assert grant_services.payments_held_back(payments=[autumn]), "submitted is not approved"
    reporting.report_review(report=status_report, by=lead, approve=True)
    assert not grant_services.payments_held_back(payments=[autumn])
    batch = grant_services.payments_propose(
        payments=[autumn], payment_date=dt.date(2025, 10, 15), by=lead
    )
    grant_services.payment_batch_approve(batch=batch, by=assessor_a)
    accepted.refresh_from_db()
    assert accepted.status == GrantStatus.PAID
    assert sum(p.amount for p in accepted.payments.filter(status=PaymentStatus.APPROVED)) == (
        Decimal("350001")
    )


def test_the_payments_page_proposes_and_a_second_person_approves(
    client, accepted, assessor_a, lead
):
    from django.urls import reverse

    spring = accepted.payments.get(term="spring")
    autumn = accepted.payments.get(term="autumn")
    client.force_login(assessor_a)
    url = reverse("grants:payments")
    page = client.get(url, {"scheme": "development"}).content.decode()
    assert f'value="{autumn.pk}" id="pay-{autumn.pk}" disabled' in page
    response = client.post(url, {"payments": [spring.pk], "payment_date": "2025-05-15"})
    assert response.status_code == 302
    batch = spring.__class__.objects.get(pk=spring.pk).batch
    page = client.get(url).content.decode()
    assert "someone else approves it" in page or "en annen må godkjenne den" in page
    assert client.post(reverse("grants:batch_approve", args=[batch.pk])).status_code == 302
    spring.refresh_from_db()
    assert spring.status == PaymentStatus.PROPOSED, "the proposer cannot approve"
    client.force_login(lead)
    client.post(reverse("grants:batch_approve", args=[batch.pk]))
    spring.refresh_from_db()
    assert spring.status == PaymentStatus.APPROVED and spring.approved_by == lead
    export = client.get(reverse("grants:payments_export", args=["csv"]), {"batch": batch.pk})
    assert accepted.case_number in export.content.decode()


def test_a_reclaim_is_set_off_against_the_next_term_and_its_letter_may_be_appealed(
    accepted, assessor_a, lead, applicant, administrator, settings
):
    from tests.grants.test_reactions import letter_text

    spring, autumn = accepted.payments.order_by("due_on")
    batch = grant_services.payments_propose(
        payments=[spring], payment_date=dt.date(2025, 5, 15), by=assessor_a
    )
    grant_services.payment_batch_approve(batch=batch, by=lead)
    with pytest.raises(DomainError):
        grant_services.reaction_propose(
            grant=accepted,
            kind="reclaim",
            amount=Decimal("175002"),
            grounds="Mer enn utbetalt.",
            by=assessor_a,
        )
    reclaim = grant_services.reaction_propose(
        grant=accepted,
        kind="reclaim",
        amount=Decimal("50000"),
        grounds="Midlene ble brukt til ordinær drift av voksenopplæringen.",
        by=assessor_a,
    )
    grant_services.reaction_decide(reaction=reclaim, by=administrator, approve=True)
    reclaim.refresh_from_db()
    assert grant_services.grant_ledger(grant=accepted)["owed"] == Decimal("50000")
    text = letter_text(reclaim)
    assert "50 000" in text and settings.IMDI_REPAYMENT_ACCOUNT in text
    assert reclaim.due_on.strftime("%Y") in text
    assert "tre uker" in text and "Arbeids- og inkluderingsdepartementet" in text

    status_report = accepted.reports.get(kind="status")
    reporting.report_save(
        report=status_report,
        by=applicant,
        fields={
            "participants": 14,
            "income": Decimal(175001),
            "expenses": Decimal(90000),
            "narrative": "Tolv deltakere er i gang; språkpraksisen starter i oktober.",
        },
        activities={},
    )
    reporting.report_submit(report=status_report, by=applicant)
    reporting.report_review(report=status_report, by=lead, approve=True)
    batch = grant_services.payments_propose(
        payments=[autumn], payment_date=dt.date(2025, 10, 15), by=assessor_a
    )
    autumn.refresh_from_db()
    assert (autumn.set_off, autumn.net) == (Decimal("50000"), Decimal("125000"))
    assert grant_services.reclaim_outstanding(grant=accepted) == 0, "not set off twice"
    grant_services.payment_batch_approve(batch=batch, by=lead)
    ledger = grant_services.grant_ledger(grant=accepted)
    assert ledger == {
        "granted": Decimal("350001"),
        "paid": Decimal("300001"),
        "withheld": Decimal("0"),
        "reclaimed": Decimal("50000"),
        "set_off": Decimal("50000"),
        "repaid": Decimal("0"),
        "owed": Decimal("0"),
    }


def test_the_status_report_says_how_the_project_is_being_carried_out(client, accepted, applicant):
    from django.urls import reverse

    status_report = accepted.reports.get(kind="status")
    reporting.report_save(
        report=status_report,
        by=applicant,
        fields={"participants": 14, "income": Decimal(1), "expenses": Decimal(1)},
        activities={},
    )
    with pytest.raises(DomainError, match=r"gjennomføres|carried out"):
        reporting.report_submit(report=status_report, by=applicant)
    client.force_login(applicant)
    page = client.get(reverse("reporting:report_detail", args=[status_report.pk]))
    assert 'name="narrative"' in page.content.decode()
