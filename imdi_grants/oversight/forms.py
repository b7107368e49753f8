"""The choice of scheme and year: every parameter parsed by a field, so a bad one is ignored."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schemes.models import SchemeCode


class SchemeYearFilter(forms.Form):
    scheme = forms.ChoiceField(label=_("Scheme"), required=False, choices=SchemeCode.choices)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]

    def choice(self) -> dict[str, Any]:
        """The valid values; one that does not parse is left out, never an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"scheme": data.get("scheme") or "", "year": data.get("year") or None}
