"""Money is Decimal, in whole kroner or øre; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

KRONE = Decimal("1")
ORE = Decimal("0.01")


def to_kroner(value: Decimal | int | str) -> Decimal:
    """Round to whole kroner, half up (as in the state's accounts)."""
    return Decimal(value).quantize(KRONE, rounding=ROUND_HALF_UP)


def to_ore(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(ORE, rounding=ROUND_HALF_UP)


def format_nok(value: Decimal | int | None) -> str:
    """'1 284 600 kr' with a non-breaking thin space between thousands, as Norwegian prose."""
    if value is None:
        return ""
    amount = Decimal(value)
    whole = amount == amount.to_integral_value()
    text = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    text = text.replace(",", "\u00a0").replace(".", ",")
    return f"{text}\u00a0kr"


def split_by_shares(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Split ``total`` whole kroner by percentage ``shares``; every part is whole kroner and the
    last takes what rounding left over, so the parts always add up to ``total`` exactly."""
    if not shares:
        return []
    weight = sum(shares, Decimal("0"))
    parts = [to_kroner(total * share / weight) for share in shares[:-1]]
    return [*parts, total - sum(parts, Decimal("0"))]
