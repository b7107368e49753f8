"""The shared grant: acceptance before the deadline, lapse and reopening, payments in terms,
repayment, and a development grant built from the shared models alone."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from grants import services
from grants.models import GrantStatus, PaymentStatus
from grants.resources import PaymentResource
from grants.selectors import payments_due
from imdi_grants.audit.models import AuditEntry
from imdi_grants.lib.workflow import DomainError
from tests.reception_fixtures import OSLO, pay


def test_acceptance_holds_to_midnight_oslo_time(issued_grant, signatory, applicant):
    assert issued_grant.acceptance_deadline == dt.date(2024, 2, 15)
    late = dt.datetime(2024, 2, 16, 0, 0, 0, tzinfo=OSLO)
    with pytest.raises(DomainError, match=r"Fristen for aksept var 15\.02\.2024"):
        services.grant_accept(grant=issued_grant, by=signatory, at=late)
    with pytest.raises(DomainError) as refused:
        services.grant_accept(grant=issued_grant, by=applicant, at=late)
    assert refused.value.code == "forbidden"
    in_time = dt.datetime(2024, 2, 15, 23, 59, 59, tzinfo=OSLO)
    services.grant_accept(grant=issued_grant, by=signatory, at=in_time)
    issued_grant.refresh_from_db()
    assert issued_grant.status == GrantStatus.ACCEPTED
    assert issued_grant.accepted_by == signatory


def test_the_lapse_runs_twice_but_lapses_once(issued_grant):
    after = dt.datetime(2024, 2, 16, 0, 0, 1, tzinfo=OSLO)
    on_the_day = dt.datetime(2024, 2, 15, 23, 0, tzinfo=OSLO)
    assert services.grants_lapse_overdue(at=on_the_day) == 0
    assert services.grants_lapse_overdue(at=after) == 1
    assert services.grants_lapse_overdue(at=after) == 0
    issued_grant.refresh_from_db()
    assert issued_grant.status == GrantStatus.LAPSED
    assert AuditEntry.objects.filter(action="imdi.grant.lapsed").count() == 1


def test_the_beat_task_lapses_each_overdue_grant_once(issued_grant, caseworker, time_machine):
    from grants.tasks import grants_lapse_overdue

    time_machine.move_to(dt.datetime(2024, 2, 16, 0, 0, 1, tzinfo=OSLO))
    grants_lapse_overdue()
    grants_lapse_overdue()
    issued_grant.refresh_from_db()
    assert issued_grant.status == GrantStatus.LAPSED
    assert AuditEntry.objects.filter(action="imdi.grant.lapsed").count() == 1
    letter = services.grant_reopen(grant=issued_grant, by=caseworker, reason="Kommunen var syk")
    services.grant_letter_send(letter_id=letter.pk)
    issued_grant.refresh_from_db()
    assert issued_grant.status == GrantStatus.LETTER_ISSUED
    assert issued_grant.acceptance_deadline == dt.date(2024, 3, 1)


def test_no_payment_before_acceptance(issued_grant, caseworker):
    assert not payments_due().filter(grant=issued_grant).exists()
    with pytest.raises(DomainError, match="ikke akseptert"):
        services.payments_propose(
            payments=list(issued_grant.payments.all()),
            payment_date=dt.date(2024, 3, 1),
            by=caseworker,
        )
    assert not issued_grant.payments.exclude(status=PaymentStatus.PLANNED).exists()


def test_one_yearly_payment_with_the_account_from_the_acceptance_letter(
    accepted_grant, caseworker, second_caseworker
):
    [due] = payments_due()
    assert due.grant == accepted_grant
    payment = pay(accepted_grant, proposer=caseworker, approver=second_caseworker)
    assert payment.amount == Decimal("1284600")
    assert payment.bank_account_number == "15031234562"
    assert payment.batch.payment_date == dt.date(2024, 3, 1)
    assert payment.approved_by == second_caseworker
    accepted_grant.refresh_from_db()
    assert accepted_grant.status == GrantStatus.PAID
    with pytest.raises(DomainError):
        services.payments_propose(
            payments=[payment], payment_date=dt.date(2024, 3, 2), by=caseworker
        )


def test_four_eyes_a_payment_list_is_approved_by_a_second_person(
    accepted_grant, caseworker, second_caseworker
):
    payment = accepted_grant.payments.get()
    batch = services.payments_propose(
        payments=[payment], payment_date=dt.date(2024, 3, 1), by=caseworker
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PROPOSED
    with pytest.raises(DomainError) as exc:
        services.payment_batch_approve(batch=batch, by=caseworker)
    assert exc.value.code == "forbidden"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PROPOSED
    with pytest.raises(DomainError):
        services.payment_batch_reject(batch=batch, by=second_caseworker, reason=" ")
    services.payment_batch_reject(batch=batch, by=second_caseworker, reason="Feil dato")
    payment.refresh_from_db()
    assert (payment.status, payment.batch) == (PaymentStatus.PLANNED, None)
    with pytest.raises(DomainError) as exc:
        services.payment_batch_approve(batch=batch, by=second_caseworker)
    assert exc.value.code == "stale"
    assert pay(accepted_grant, proposer=second_caseworker, approver=caseworker).approved_by == (
        caseworker
    )


def test_the_payment_list_exports_what_the_finance_system_needs(
    accepted_grant, caseworker, second_caseworker
):
    pay(accepted_grant, proposer=caseworker, approver=second_caseworker)
    dataset = PaymentResource().export()
    assert dataset.headers == [
        "saksnummer",
        "mottaker",
        "organisasjonsnummer",
        "kontonummer",
        "beløp",
        "tilbakeholdt",
        "motregnet",
        "utbetalingsdato",
        "termin",
        "utbetalingsliste",
        "kapittel",
        "post",
    ]
    row = dataset[0]
    assert row[0] == accepted_grant.case_number
    assert row[2] == (accepted_grant.organisation.organisation_number or "")
    assert row[3] == "15031234562"
    assert Decimal(row[4]) == Decimal("1284600")
    assert (Decimal(row[5]), Decimal(row[6])) == (0, 0)
    assert (row[10], row[11]) == ("671", "62")
    workbook = openpyxl.load_workbook(io.BytesIO(dataset.xlsx))
    assert workbook.active["A2"].value == accepted_grant.case_number


def test_a_repayment_is_recorded_against_the_grant(accepted_grant, caseworker, second_caseworker):
    with pytest.raises(DomainError, match="Ingenting er utbetalt"):
        services.repayment_record(
            grant=accepted_grant,
            amount=Decimal("1"),
            received_on=dt.date(2024, 3, 1),
            reason="For tidlig",
            by=caseworker,
        )
    pay(accepted_grant, proposer=caseworker, approver=second_caseworker)
    services.repayment_record(
        grant=accepted_grant,
        amount=Decimal("100000"),
        received_on=dt.date(2025, 2, 1),
        reason="Ubrukte midler",
        by=caseworker,
    )
    with pytest.raises(DomainError):
        services.repayment_record(
            grant=accepted_grant,
            amount=Decimal("1200000"),
            received_on=dt.date(2025, 2, 2),
            reason="For mye",
            by=caseworker,
        )
    assert accepted_grant.repayments.count() == 1


@pytest.mark.parametrize(
    "call",
    [
        lambda g, by: services.grant_reopen(grant=g, by=by, reason="x"),
        lambda g, by: services.grant_letter_issue(grant=g, by=by),
        lambda g, by: services.payments_propose(
            payments=list(g.payments.all()), payment_date=dt.date(2024, 3, 1), by=by
        ),
        lambda g, by: services.repayment_record(
            grant=g, amount=Decimal("1"), received_on=dt.date(2024, 3, 1), reason="x", by=by
        ),
    ],
    ids=["reopen", "letter_issue", "payments_propose", "repayment_record"],
)
def test_staff_only_services_refuse_the_municipality(call, accepted_grant, signatory):
    with pytest.raises(DomainError) as refused:
        call(accepted_grant, signatory)
    assert refused.value.code == "forbidden"


def test_a_person_cannot_lapse_a_grant_only_the_beat_job_can(issued_grant, caseworker):
    from grants.services import GRANT_FLOW

    with pytest.raises(DomainError):
        GRANT_FLOW.check(issued_grant, GrantStatus.LAPSED, by=caseworker)
    GRANT_FLOW.check(issued_grant, GrantStatus.LAPSED, by=None)


def test_a_proposed_payment_list_is_rejected_from_the_payments_page(
    client, accepted_grant, caseworker, second_caseworker
):
    from django.urls import reverse

    batch = services.payments_propose(
        payments=list(accepted_grant.payments.all()),
        payment_date=dt.date(2024, 3, 1),
        by=caseworker,
    )
    client.force_login(second_caseworker)
    reject = reverse("grants:batch_reject", args=[batch.pk])
    client.post(reject, {"reason": ""})
    assert accepted_grant.payments.get().status == PaymentStatus.PROPOSED, "a reason is needed"
    client.post(reject, {"reason": "Feil utbetalingsdato"})
    assert accepted_grant.payments.get().status == PaymentStatus.PLANNED
