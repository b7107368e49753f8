from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from imdi_grants.accounts.models import Organisation
from imdi_grants.lib.formfields import MoneyField
from imdi_grants.lib.identifiers import (
    normalise_bank_account_number,
    normalise_organisation_number,
)
from imdi_grants.lib.uploads import validate_upload
from schemes.models import SchemeCode, SchemeYear

from .models import AcceptanceLetter, PartnershipAgreement

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} ({obj.municipality_number})"


def municipalities():
    return Organisation.objects.filter(is_municipality=True).order_by("name")


class AgreementForm(forms.Form):
    organisation = MunicipalityChoiceField(label=_("Municipality"), queryset=municipalities())
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DATE)
    places = forms.IntegerField(label=_("Number of places"), min_value=1)

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("end_date")
            and data.get("start_date")
            and data["end_date"] < data["start_date"]
        ):
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return data


class PlaceCountForm(forms.Form):
    valid_from = forms.DateField(label=_("From date"), widget=DATE)
    places = forms.IntegerField(label=_("Number of places"), min_value=0)


class PartnershipAgreementForm(forms.ModelForm):
    class Meta:
        model = PartnershipAgreement
        fields = (
            "asylum_reception_centre",
            "career_centre",
            "nav_office",
            "valid_from",
            "valid_to",
            "responsibilities",
            "document",
        )
        widgets = {"valid_from": DATE, "valid_to": DATE}

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document and hasattr(document, "content_type"):
            validate_upload(document, allowed=("pdf",))
        return document


class OfferForm(forms.Form):
    scheme_year = forms.ModelChoiceField(
        label=_("Year"),
        queryset=SchemeYear.objects.filter(
            scheme__code=SchemeCode.RECEPTION, published_at__isnull=False
        ).order_by("-year"),
    )
    organisation = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=municipalities().filter(reception_agreements__isnull=False).distinct(),
        required=False,
        help_text=_("Leave empty to send the offer to every municipality with an agreement."),
    )


class AcceptanceLetterForm(forms.ModelForm):
    organisation_number = forms.CharField(label=_("Organisation number"), max_length=20)
    bank_account_number = forms.CharField(label=_("Bank account number for payment"), max_length=20)

    class Meta:
        model = AcceptanceLetter
        fields = (
            "municipality_name",
            "address",
            "phone",
            "email",
            "organisation_number",
            "bank_account_number",
            "contact_persons",
            "prerequisites",
            "earlier_grants",
        )
        widgets = {
            "contact_persons": forms.Textarea(attrs={"rows": 3}),
            "prerequisites": forms.Textarea(attrs={"rows": 5}),
            "earlier_grants": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_organisation_number(self) -> str:
        return normalise_organisation_number(self.cleaned_data["organisation_number"])

    def clean_bank_account_number(self) -> str:
        return normalise_bank_account_number(self.cleaned_data["bank_account_number"])


class ChangeRequestForm(forms.Form):
    description = forms.CharField(
        label=_("What should change, and why"), widget=forms.Textarea(attrs={"rows": 4})
    )
    places = forms.IntegerField(label=_("New number of places"), min_value=0, required=False)
    places_from = forms.DateField(label=_("From date"), required=False, widget=DATE)

    def clean(self) -> dict:
        data = super().clean()
        if (data.get("places") is None) != (data.get("places_from") is None):
            raise forms.ValidationError(
                _("Give both the new number of places and the date it applies from.")
            )
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RepaymentForm(forms.Form):
    amount = MoneyField(label=_("Amount (NOK)"), min_value=1, required=True)
    received_on = forms.DateField(label=_("Received"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ListFilter(forms.Form):
    """A list's search and year; every parameter parsed by a field, a bad one ignored."""

    q = forms.CharField(
        label=_("Search municipality or case number"), required=False, max_length=100
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(self, *args, years: list[int] | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if years is None:
            del self.fields["year"]
            self.fields["q"].label = _("Search municipality")
        else:
            self.fields["year"].choices = [("", _("All years")), *((y, y) for y in years)]

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        found = {"q": (data.get("q") or "").replace("\x00", "").strip()}
        if "year" in self.fields:
            found["year"] = data.get("year") or None
        return found
