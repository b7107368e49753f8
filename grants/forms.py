from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.formfields import MoneyField
from schemes.models import SchemeCode, SchemeYear

from .models import Payment, ReactionKind


class AmendYearForm(forms.Form):
    """The fields a year's letters state, with the reason the amendment is recorded with."""

    rate_per_place_per_month = MoneyField(label=_("Rate per place per month (NOK)"))
    acceptance_window_days = forms.IntegerField(
        label=_("Acceptance window (days)"), min_value=1, max_value=90
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, scheme_year: SchemeYear, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "rate_per_place_per_month": scheme_year.rate_per_place_per_month,
                "acceptance_window_days": scheme_year.acceptance_window_days,
            },
        )
        super().__init__(*args, **kwargs)
        self.scheme_year = scheme_year

    def changed_values(self) -> dict[str, object]:
        return {
            name: self.cleaned_data[name]
            for name in ("rate_per_place_per_month", "acceptance_window_days")
            if self.cleaned_data[name] != getattr(self.scheme_year, name)
        }


class PaymentFilter(forms.Form):
    scheme = forms.ChoiceField(label=_("Scheme"), required=False)
    until = forms.DateField(
        label=_("Due by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = [("", _("Both schemes")), *SchemeCode.choices]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"scheme_code": data.get("scheme") or "", "until": data.get("until")}


class PaymentProposeForm(forms.Form):
    payment_date = forms.DateField(
        label=_("Payment date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    payments = forms.ModelMultipleChoiceField(
        label=_("Terms to pay"), queryset=Payment.objects.none(), widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args: Any, due: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payments"].queryset = due


class BatchRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the list is rejected"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReactionProposeForm(forms.Form):
    prefix = "re"

    kind = forms.ChoiceField(
        label=_("Reaction"), choices=ReactionKind.choices, widget=forms.RadioSelect
    )
    amount = MoneyField(label=_("Amount (NOK)"), required=True, min_value=1)
    grounds = forms.CharField(
        label=_("Grounds"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Which condition was breached and how; stated in the letter."),
    )


class ReactionRejectForm(forms.Form):
    reason = forms.CharField(label=_("Why rejected"), widget=forms.Textarea(attrs={"rows": 2}))


class OpenDataFilter(forms.Form):
    """The open data's filter: a year with awarded grants, and a scheme."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    scheme = forms.ChoiceField(label=_("Scheme"), required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *((y, y) for y in years)]
        self.fields["scheme"].choices = [("", _("Both schemes")), *SchemeCode.choices]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"year": data.get("year") or None, "scheme_code": data.get("scheme") or ""}
