"""Form fields for values typed the way people write them."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.identifiers import normalise_organisation_number
from imdi_grants.lib.money import to_kroner

# Spaces people (and spreadsheets) put between thousands: ordinary, no-break, narrow no-break,
# thin.
_SPACES = re.compile("[ \u00a0\u202f\u2009]")
# "kr", "kr.", "NOK" before or after the amount, and the ",-" of "300 000,-".
_CURRENCY = re.compile(r"^(?:kr\.?|nok)|(?:kr\.?|nok|[.,]-)$", re.IGNORECASE)
# Whole kroner with dots between thousands ("1.250.000") or none, then øre after a comma (one
# or two digits: "300,000" is more likely an English 300 000 than 300 kroner, so it is refused).
_NORWEGIAN = re.compile(r"^(-?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$")
# A decimal point as in a spreadsheet export ("300000.50"); three digits after a point read as
# thousands ("300.000"), above.
_POINT = re.compile(r"^(-?)(\d+)\.(\d{1,2})$")


def parse_kroner(text: str) -> Decimal:
    """An amount as Norwegians type it, in whole kroner.

    Accepts "300 000", "300000", "300 000,50", "300000,50", "1.250.000", "300 000 kr",
    "kr 300 000" and "300 000,-". Øre are rounded half up to whole kroner, as in the state's
    accounts (the application's amounts are whole kroner): "300 000,50" is 300 001. Raises
    ``ValueError`` for anything else, such as "ca. 100 000" or the ambiguous "300,000".
    """
    value = _CURRENCY.sub("", _SPACES.sub("", text)).strip()
    value = _CURRENCY.sub("", value).strip()  # "kr 300 000,-": both ends
    match = _NORWEGIAN.match(value) or _POINT.match(value)
    if match is None:
        raise ValueError(text)
    sign, whole, fraction = match.groups()
    try:
        amount = Decimal(f"{sign}{whole.replace('.', '')}.{fraction or '0'}")
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    return to_kroner(amount)


def format_kroner(value: Decimal | int) -> str:
    """ "300 000": whole kroner with a space between thousands, as shown in a money field."""
    return f"{to_kroner(value):,.0f}".replace(",", " ")


class MoneyInput(forms.TextInput):
    """A text field for kroner: the numeric keyboard with a comma, right-aligned by CSS
    (``[data-money]``), and the stored amount shown with spaces between thousands."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {"inputmode": "decimal", "autocomplete": "off", "data-money": ""} | (attrs or {})
        )

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return format_kroner(value)
        return super().format_value(value)


class MoneyField(forms.DecimalField):
    """Whole kroner, typed as people write them (``parse_kroner``): "300 000", "300000,50",
    "300 000 kr". Øre are rounded to whole kroner, and the form shows the rounded amount."""

    widget = MoneyInput
    default_error_messages = {
        # nb: Oppgi et beløp i kroner, for eksempel 300 000 eller 300 000,50.
        "invalid": _("Enter an amount in kroner, for example 300 000 or 300 000,50."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("decimal_places", 0)
        kwargs.setdefault("max_digits", 12)  # as the model's amounts
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return to_kroner(value)
        try:
            return parse_kroner(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class OrganisationNumberField(forms.CharField):
    """Nine digits with a MOD11 check digit, also when typed with spaces ("974 760 673")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return normalise_organisation_number(value) if value else ""


class _ReadOnceIterator(forms.models.ModelChoiceIterator):
    """The choices from the field's queryset as read the first time: Django reads the queryset
    again each time the control is rendered, and once more for the select's ``required``
    check."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:  # evaluated once, then its result cache
            yield self.choice(obj)


class ReadOnceChoices:
    """A model choice field whose queryset is read once per page: for the short lists of a
    filter (rounds, focus areas, staff), so a list page's queries do not grow with its
    controls. The queryset given is kept as it is, not copied, so two forms on one page given
    the same queryset read it once between them."""

    iterator = _ReadOnceIterator

    def _set_queryset(self, queryset: Any) -> None:
        self._queryset = queryset
        self.widget.choices = self.choices

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


class ReadOnceModelChoiceField(ReadOnceChoices, forms.ModelChoiceField):
    """One choice, checked against the choices already read instead of a query of its own."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        key = self.to_field_name or "pk"
        if isinstance(value, self.queryset.model):
            value = getattr(value, key)
        for obj in self.queryset:
            if str(getattr(obj, key)) == str(value):
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )
