"""Issue 11: a payment the accounting system has confirmed paid out (``disbursed``) counts as paid
on the dashboard and in the statistics exactly as it did when it was approved."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grants.models import Payment, PaymentStatus
from imdi_grants.oversight.selectors import dashboard, reception_rows, scheme_years

from .conftest import TODAY, K, day

pytestmark = pytest.mark.django_db


def _year(code: str, year: int):
    return next(y for y in scheme_years() if (y.scheme.code, y.year) == (code, year))


def test_a_payment_paid_out_still_counts_as_paid(world):
    approved = Payment.objects.filter(status=PaymentStatus.APPROVED)
    assert approved.count() == 3
    approved.update(
        status=PaymentStatus.DISBURSED, disbursed_on=day("2025-05-20"), voucher_reference="B1"
    )
    board = dashboard(scheme_year=_year("development", 2025), user=world.staff, today=TODAY)
    assert board.totals.paid == 350 * K
    drammen = next(
        row
        for row in reception_rows(scheme_year=_year("reception", 2024))
        if row["organisation__name"].startswith("Drammen")
    )
    assert drammen["o_paid"] == Decimal(1_413_060)
