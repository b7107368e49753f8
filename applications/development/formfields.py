"""Form fields for values typed the way people write them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from imdi_grants.lib.identifiers import normalise_organisation_number


class MoneyField(forms.DecimalField):
    """Whole kroner, typed as people write them: "400 000", "400 000 kr"."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("decimal_places", 0)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.replace("\u00a0", "").replace(" ", "").removesuffix("kr").strip()
        return super().to_python(value)


class OrganisationNumberField(forms.CharField):
    """Nine digits with a MOD11 check digit, also when typed with spaces ("974 760 673")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return normalise_organisation_number(value) if value else ""
