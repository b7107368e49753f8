"""Norwegian organisation and bank account numbers, checked with python-stdnum (MOD11)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import kontonr, orgnr


def normalise_organisation_number(value: str) -> str:
    """Validate and return the nine digits, or raise a ValidationError in the user's language."""
    try:
        return orgnr.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _(
                "“%(value)s” is not a valid organisation number: it must be nine digits with a "
                "correct check digit (MOD11)."
            ),
            code="invalid_organisation_number",
            params={"value": value},
        ) from exc


def normalise_bank_account_number(value: str) -> str:
    """Validate and return the eleven digits, or raise a ValidationError in the user's language."""
    try:
        return kontonr.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _(
                "“%(value)s” is not a valid bank account number: it must be eleven digits with "
                "a correct check digit (MOD11)."
            ),
            code="invalid_bank_account_number",
            params={"value": value},
        ) from exc


def validate_organisation_number(value: str) -> None:
    normalise_organisation_number(value)


def validate_bank_account_number(value: str) -> None:
    normalise_bank_account_number(value)


def format_bank_account_number(value: str) -> str:
    return kontonr.format(value) if value else ""
