"""The steps of the application form.

Nothing here is required: a draft is saved at every step, also half-filled. Whether the
application may be submitted is decided by ``rules.py``, shown as the checklist.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from imdi_grants.accounts.models import Organisation
from imdi_grants.lib.identifiers import normalise_organisation_number
from schemes.models import FocusArea

from .models import AREA_FIELDS, Application

TEXTAREA = forms.Textarea(attrs={"rows": 4})


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


class StepForm(forms.ModelForm):
    """A step's fields of the application; every field optional."""

    class Meta:
        model = Application
        fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 4

    def valid_values(self) -> dict[str, Any]:
        """The fields that validated, also when others did not (so they can be saved)."""
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name not in self.errors and name in self.Meta.fields
        }


class BasicsForm(StepForm):
    class Meta(StepForm.Meta):
        fields = ("title", "summary", "goals", "target_group")
        widgets = {"summary": TEXTAREA, "goals": TEXTAREA, "target_group": TEXTAREA}


class DescriptionForm(StepForm):
    class Meta(StepForm.Meta):
        fields = (
            "activities",
            "purpose_fit",
            "implementation_capacity",
            "transfer_value",
            "products_free",
        )
        help_texts = {
            "purpose_fit": _("Is the project in line with the scheme's purpose and focus areas?"),
            "implementation_capacity": _(
                "Can the project show that it will carry out its activities, and how far will "
                "they reach the scheme's goals?"
            ),
            "transfer_value": _(
                "How far can the knowledge, methods and products be transferred to other "
                "municipalities?"
            ),
            "products_free": _(
                "After the project, its products must be free for other municipalities, county "
                "municipalities and organisations."
            ),
        }


class ParticipantsForm(StepForm):
    class Meta(StepForm.Meta):
        fields = ("participants", "prioritised_groups", "project_start", "project_years")
        widgets = {
            "project_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "prioritised_groups": TEXTAREA,
        }
        help_texts = {
            "participants": _("At least ten."),
            "project_years": _("One to three years."),
        }


class FundingForm(forms.Form):
    """The funding of one project year."""

    year_number = forms.IntegerField(widget=forms.HiddenInput)
    amount_applied = MoneyField(label=_("Amount applied for (NOK)"))
    own_contribution = MoneyField(label=_("Own contribution (NOK)"))
    other_funding = MoneyField(label=_("Other funding (NOK)"))

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "year_number": data["year_number"],
            "amount_applied": data.get("amount_applied") or Decimal(0),
            "own_contribution": data.get("own_contribution") or Decimal(0),
            "other_funding": data.get("other_funding") or Decimal(0),
        }


YEAR_CHOICES = [(1, _("Year 1")), (2, _("Year 2")), (3, _("Year 3"))]


class BudgetLineForm(forms.Form):
    """A cost line; an empty row is ignored."""

    year_number = forms.TypedChoiceField(
        label=_("Project year"), choices=YEAR_CHOICES, coerce=int, required=False
    )
    description = forms.CharField(label=_("Cost"), max_length=200, required=False)
    amount = MoneyField(label=_("Amount (NOK)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("description") and data.get("amount") is None:
            self.add_error("amount", _("Give the amount of this cost."))
        if data.get("amount") is not None and not data.get("description"):
            self.add_error("description", _("Say what this cost is."))
        return data

    def row(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("description"):
            return None
        return {
            "year_number": data.get("year_number") or 1,
            "description": data["description"],
            "amount": data["amount"],
        }


FundingFormSet = forms.formset_factory(FundingForm, extra=0)
BudgetLineFormSet = forms.formset_factory(BudgetLineForm, extra=0)


class PartnersForm(StepForm):
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner municipalities and county municipalities"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "For a joint application. Your organisation has the project responsibility and "
            "submits the application."
        ),
    )

    class Meta(StepForm.Meta):
        fields = (
            "voluntary_organisations",
            "voluntary_funded_by_imdi",
            "university_supervisor",
            "other_actors",
        )
        widgets = {
            "voluntary_organisations": TEXTAREA,
            "university_supervisor": TEXTAREA,
            "other_actors": TEXTAREA,
        }
        help_texts = {
            "university_supervisor": _("Institution and name, if the project has one."),
            "other_actors": _(
                "For example NAV, the police and the Tax Administration (area 4), or health "
                "actors (area 2)."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Organisation.objects.exclude(
            pk=self.instance.organisation_id
        ).order_by("name")
        if not self.is_bound:
            self.initial["partners"] = [p.pk for p in self.instance.partners.all()]


class EarlierProjectForm(forms.Form):
    """An earlier project; an empty row is ignored."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100, required=False)
    result = forms.CharField(
        label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("title") and not data.get("year"):
            self.add_error("year", _("Give the year of the project."))
        if (data.get("year") or data.get("result")) and not data.get("title"):
            self.add_error("title", _("Give the title of the project."))
        return data

    def row(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("title"):
            return None
        return {"title": data["title"], "year": data["year"], "result": data.get("result", "")}


EarlierProjectFormSet = forms.formset_factory(EarlierProjectForm, extra=0)


def area_form_class(number: int) -> type[StepForm]:
    """The form of a focus area's own part (the circular's special conditions per area)."""

    class AreaForm(StepForm):
        class Meta(StepForm.Meta):
            fields = AREA_FIELDS.get(number, ())
            widgets = {
                name: TEXTAREA
                for name in (
                    "entrepreneur_business_model",
                    "curriculum_tie",
                    "right_to_training",
                    "local_characteristics",
                    "interdisciplinary_cooperation",
                    "regional_dialogue",
                    "plan_anchoring",
                    "employee_involvement",
                )
            }
            help_texts = {
                "entrepreneur_organisation_number": _("Nine digits."),
                "allowance_monthly_amount": _(
                    "Participants × months × amount per month; at most 1 G per participant per "
                    "year, with G at the project start."
                ),
            }

        def clean_entrepreneur_organisation_number(self) -> str:
            value = (self.cleaned_data.get("entrepreneur_organisation_number") or "").strip()
            return normalise_organisation_number(value) if value else ""

    if "allowance_monthly_amount" in AreaForm.base_fields:
        model_field = AreaForm.base_fields["allowance_monthly_amount"]
        AreaForm.base_fields["allowance_monthly_amount"] = MoneyField(
            label=model_field.label, help_text=model_field.help_text
        )
    if "entrepreneur_organisation_number" in AreaForm.base_fields:
        model_field = AreaForm.base_fields["entrepreneur_organisation_number"]
        AreaForm.base_fields["entrepreneur_organisation_number"] = forms.CharField(
            label=model_field.label, help_text=model_field.help_text, max_length=20, required=False
        )
    return AreaForm


class DeclarationsForm(StepForm):
    class Meta(StepForm.Meta):
        fields = (
            "declares_no_ordinary_operation",
            "declares_curricula",
            "declares_products_free",
            "exemption_status",
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Attachment"),
        help_text=_("PDF, Word (DOCX) or Excel (XLSX), at most 20 MB."),
    )


class CreateForm(forms.Form):
    """Choose the organisation and a focus area of an open round."""

    organisation = forms.ModelChoiceField(
        label=_("Applicant"), queryset=Organisation.objects.none(), empty_label=None
    )
    focus_area = forms.ModelChoiceField(
        label=_("Focus area"), queryset=FocusArea.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, organisations: Any, focus_areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["focus_area"].queryset = focus_areas
        self.fields["focus_area"].label_from_instance = lambda area: (
            f"{area.scheme_year.year}: {area}"
        )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
