"""The helpers the grant core stands on: splitting money into terms, and the workflow table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from imdi_grants.lib.money import split_by_shares


@pytest.mark.parametrize(
    ("total", "shares", "parts"),
    [
        (Decimal("1284600"), [Decimal("100")], [Decimal("1284600")]),
        (Decimal("750001"), [Decimal("50"), Decimal("50")], [Decimal("375001"), Decimal("375000")]),
        (Decimal("100"), [Decimal("33.33")] * 3, [Decimal("33"), Decimal("33"), Decimal("34")]),
        (Decimal("0"), [Decimal("60"), Decimal("40")], [Decimal("0"), Decimal("0")]),
    ],
)
def test_terms_add_up_to_the_amount_in_whole_kroner(total, shares, parts):
    assert split_by_shares(total, shares) == parts
    assert sum(parts) == total
