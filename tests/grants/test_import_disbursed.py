"""Issue 11: the accounting system's answer to a payment list — which approved payments went out,
on which day, with which voucher — imported with django-import-export's preview. Each row goes
through ``payment_disburse`` (approved → paid out, audited); a bad file imports nothing and
lists every bad row; a paid-out payment still counts as paid everywhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import tablib
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from grants import services
from grants.models import (
    BatchStatus,
    Grant,
    GrantStatus,
    Payment,
    PaymentBatch,
    PaymentStatus,
)
from grants.resources import PaymentDisbursedResource
from imdi_grants.audit.models import AuditEntry
from imdi_grants.lib.workflow import DomainError
from schemes.models import SchemeYear
from tests.admin_import import admin_confirm, admin_preview
from tests.factories import MunicipalityFactory
from tests.reception_fixtures import pay

pytestmark = pytest.mark.django_db

HEADERS = ["saksnummer", "termin", "utbetalt_dato", "bilagsnummer"]


def approved_payments(count: int, *, by) -> list[Payment]:
    """``count`` reception grants of 2024, each with its yearly term approved on one list."""
    year = SchemeYear.objects.get(scheme__code="reception", year=2024)
    batch = PaymentBatch.objects.create(
        payment_date=dt.date(2024, 4, 15),
        status=BatchStatus.APPROVED,
        proposed_by=by,
        approved_by=by,
        approved_at=timezone.now(),
    )
    payments = []
    for n in range(1, count + 1):
        grant = Grant.objects.create(
            case_number=f"2024/{n:05d}",
            organisation=MunicipalityFactory(),
            scheme_year=year,
            status=GrantStatus.PAID,
            amount=Decimal(100_000 + n),
            starts_on=dt.date(2024, 1, 1),
            ends_on=dt.date(2024, 12, 31),
            bank_account_number="15031234562",
            created_by=by,
        )
        payments.append(
            Payment.objects.create(
                grant=grant,
                term="yearly",
                due_on=dt.date(2024, 4, 15),
                amount=grant.amount,
                status=PaymentStatus.APPROVED,
                batch=batch,
                payment_date=batch.payment_date,
                approved_by=by,
                approved_at=timezone.now(),
            )
        )
    return payments


def _errors(result) -> dict[int, str]:
    return {row.number: str(row.error_dict) for row in result.invalid_rows}


def _state() -> list[tuple]:
    return list(
        Payment.objects.order_by("pk").values_list("status", "disbursed_on", "voucher_reference")
    )


def test_a_good_file_previews_then_pays_out_through_the_state_machine(
    accepted_grant, caseworker, second_caseworker, administrator
):
    payment = pay(accepted_grant, proposer=caseworker, approver=second_caseworker)
    paid = services.grant_ledger(grant=accepted_grant)["paid"]
    data = tablib.Dataset(headers=HEADERS)
    data.append([accepted_grant.case_number, "Årlig utbetaling", "04.03.2024", " B-2024-0117 "])

    preview = PaymentDisbursedResource().import_data(data, dry_run=True, user=administrator)
    assert not preview.has_errors() and not preview.has_validation_errors(), _errors(preview)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED, "the preview saves nothing"
    assert not AuditEntry.objects.filter(action="imdi.grant.payment_disbursed").exists()

    result = PaymentDisbursedResource().import_data(data, dry_run=False, user=administrator)
    assert not result.has_errors() and not result.has_validation_errors(), _errors(result)
    payment.refresh_from_db()
    assert (payment.status, payment.disbursed_on, payment.voucher_reference) == (
        PaymentStatus.DISBURSED,
        dt.date(2024, 3, 4),
        "B-2024-0117",
    )
    entry = AuditEntry.objects.get(action="imdi.grant.payment_disbursed")
    assert (entry.actor, entry.case_number, entry.old_status, entry.new_status) == (
        administrator,
        accepted_grant.case_number,
        "approved",
        "disbursed",
    )
    # Still paid everywhere it was paid before.
    accepted_grant.refresh_from_db()
    assert accepted_grant.status == GrantStatus.PAID
    assert services.grant_ledger(grant=accepted_grant)["paid"] == paid > 0
    assert not any(
        "terms" in problem for problem in services.grant_closing_problems(grant=accepted_grant)
    )


def test_one_bad_row_among_100_imports_nothing_and_is_named(seeded, administrator):
    payments = approved_payments(100, by=administrator)
    data = tablib.Dataset(headers=HEADERS)
    for payment in payments:
        data.append([payment.grant.case_number, "yearly", "2024-04-16", f"B{payment.pk}"])
    data[62] = (payments[62].grant.case_number, "yearly", "31.02.2024", "B63")  # row 63
    before = _state()

    result = PaymentDisbursedResource().import_data(data, dry_run=False, user=administrator)

    assert set(_errors(result)) == {63}
    assert "utbetalt_dato" in _errors(result)[63] and "31.02.2024" in _errors(result)[63]
    assert _state() == before, "nothing is imported"
    assert not AuditEntry.objects.filter(action="imdi.grant.payment_disbursed").exists()


def test_every_refused_row_is_listed_naming_its_case(seeded, administrator):
    good, planned, done, future, no_voucher = approved_payments(5, by=administrator)
    Payment.objects.filter(pk=planned.pk).update(
        status=PaymentStatus.PLANNED, batch=None, payment_date=None
    )
    services.payment_disburse(
        payment=done, disbursed_on=dt.date(2024, 4, 16), voucher_reference="B1", by=administrator
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = tablib.Dataset(headers=HEADERS)
    data.append([good.grant.case_number, "yearly", "2024-04-16", "B0"])
    data.append([planned.grant.case_number, "yearly", "2024-04-16", "B2"])
    data.append([done.grant.case_number, "yearly", "2024-04-16", "B-annen"])
    data.append([done.grant.case_number, "yearly", "2024-04-16", "B1"])  # the same again: skipped
    data.append([future.grant.case_number, "yearly", tomorrow.isoformat(), "B4"])
    data.append([no_voucher.grant.case_number, "yearly", "2024-04-16", ""])
    data.append(["2024/99999", "yearly", "2024-04-16", "B6"])
    data.append([good.grant.case_number, "spring", "2024-04-16", "B7"])
    data.append([good.grant.case_number, "yearly", "", ""])  # says nothing: skipped

    result = PaymentDisbursedResource().import_data(data, dry_run=True, user=administrator)

    errors = _errors(result)
    assert set(errors) == {2, 3, 5, 6, 7, 8}
    for number, case in ((2, planned), (3, done), (5, future)):
        assert case.grant.case_number in errors[number], errors[number]
    assert "B1" in errors[3], "the voucher it was paid out with"
    assert "bilagsnummer" in errors[6] and "saksnummer" in errors[7] and "termin" in errors[8]
    good.refresh_from_db()
    assert good.status == PaymentStatus.APPROVED


def test_export_then_import_gives_the_same_data(seeded, administrator):
    payments = approved_payments(10, by=administrator)
    for payment in payments[:6]:
        services.payment_disburse(
            payment=payment,
            disbursed_on=dt.date(2024, 4, 16),
            voucher_reference=f"B{payment.pk}",
            by=administrator,
        )
    Payment.objects.filter(pk=payments[9].pk).update(
        status=PaymentStatus.PLANNED, batch=None, payment_date=None
    )
    exported = PaymentDisbursedResource().export()
    assert len(exported) == 9, "approved and paid-out payments"
    assert exported.headers == HEADERS
    assert exported[0] == (
        payments[0].grant.case_number,
        "yearly",
        "2024-04-16",
        f"B{payments[0].pk}",
    )
    before = _state()

    result = PaymentDisbursedResource().import_data(exported, dry_run=False, user=administrator)

    assert not result.has_errors() and not result.has_validation_errors(), _errors(result)
    assert result.totals["skip"] == 9
    assert _state() == before


def test_only_an_approved_payment_is_paid_out_and_only_by_staff(
    accepted_grant, caseworker, second_caseworker, signatory
):
    payment = accepted_grant.payments.get()
    with pytest.raises(DomainError, match=accepted_grant.case_number):
        services.payment_disburse(
            payment=payment, disbursed_on=dt.date(2024, 3, 4), voucher_reference="B", by=caseworker
        )
    payment = pay(accepted_grant, proposer=caseworker, approver=second_caseworker)
    with pytest.raises(DomainError) as refused:
        services.payment_disburse(
            payment=payment, disbursed_on=dt.date(2024, 3, 4), voucher_reference="B", by=signatory
        )
    assert refused.value.code == "forbidden"
    with pytest.raises(IntegrityError):
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.DISBURSED)


def test_the_admin_shows_a_preview_then_imports_on_confirmation(
    accepted_grant, caseworker, second_caseworker, client, administrator
):
    payment = pay(accepted_grant, proposer=caseworker, approver=second_caseworker)
    client.force_login(administrator)
    url = reverse("admin:grants_payment_import")
    assert "bilagsnummer" in client.get(url).content.decode()
    csv = (
        "saksnummer,termin,utbetalt_dato,bilagsnummer\n"
        f"{accepted_grant.case_number},yearly,2024-03-04,B-17\n"
    )
    preview = admin_preview(client, model="grants_payment", csv=csv)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED

    admin_confirm(client, model="grants_payment", preview=preview)
    payment.refresh_from_db()
    assert (payment.status, payment.voucher_reference) == (PaymentStatus.DISBURSED, "B-17")

    client.force_login(caseworker)
    page = client.get(reverse("grants:payments")).content.decode()
    assert 'data-testid="disbursed">1<' in page
    money = client.get(reverse("grants:grant_money", args=[accepted_grant.pk])).content.decode()
    assert "Utbetalt" in money and "B-17" in money
