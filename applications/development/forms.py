"""The forms of the application's steps, built from their declaration in ``steps.py``.

Nothing here is required: a draft is saved at every step, also half-filled. Whether the
application may be submitted is decided by ``rules.py``, shown as the checklist.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from imdi_grants.accounts.models import Organisation
from imdi_grants.lib.formfields import MoneyField
from schemes.models import FocusArea

from .models import Application
from .steps import STEP_BY_SLUG


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


@dataclass(frozen=True)
class PartnerOption:
    pk: int
    name: str
    number: str
    checked: bool


class PartnersForm(StepForm):
    """The partners step: its declared fields and the partner organisations of a joint
    application (saved by the service apart from the fields).

    The partners are a list of checkboxes (``partner_options``, the chosen first), which works
    without JavaScript; ``static/js/partner_picker.js`` adds a search field that filters the
    370 or so organisations as one types."""

    partners = forms.ModelMultipleChoiceField(
        label=_("Partner municipalities and county municipalities"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For a joint application. Your organisation has the project responsibility and "
            "submits the application."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Organisation.objects.exclude(
            pk=self.instance.organisation_id
        ).order_by("name")
        if not self.is_bound:
            self.initial["partners"] = [p.pk for p in self.instance.partners.all()]

    def partner_options(self) -> list[PartnerOption]:
        """Every organisation that can be a partner, the chosen ones first, in one query."""
        chosen = {str(value) for value in self["partners"].value() or []}
        options = [
            PartnerOption(
                pk=pk,
                name=name,
                number=municipality_number or county_number or "",
                checked=str(pk) in chosen,
            )
            for pk, name, municipality_number, county_number in self.fields[
                "partners"
            ].queryset.values_list("pk", "name", "municipality_number", "county_number")
        ]
        return sorted(options, key=lambda option: not option.checked)


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


BASES: dict[str, type[StepForm]] = {"partners": PartnersForm}


@cache
def step_form_class(slug: str, kind: str) -> type[StepForm]:
    """The form of a step for an application under a focus area of ``kind``: the fields the
    step declares for that kind, with their widgets, help texts and form fields."""
    declared = {field.name: field for field in STEP_BY_SLUG[slug].fields_for(kind)}

    def formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
        field = declared.get(db_field.name)
        if field is not None and field.form_field is not None:
            return field.form_field(
                label=capfirst(db_field.verbose_name), help_text=kwargs.get("help_text") or ""
            )
        return db_field.formfield(**kwargs)

    return forms.modelform_factory(
        Application,
        form=BASES.get(slug, StepForm),
        fields=tuple(declared),
        widgets={name: field.widget for name, field in declared.items() if field.widget},
        help_texts={name: field.help_text for name, field in declared.items() if field.help_text},
        formfield_callback=formfield,
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


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest in this case?"),
        choices=[
            (
                "no",
                _("No: I have no ties to the applicant or its partners that could make me partial"),
            ),
            ("yes", _("Yes: I am disqualified (inhabil) and must stay out of the case")),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        help_text=_(
            "Public Administration Act § 6: for example a close tie to the applicant's "
            "management, a partner organisation or the project, or other circumstances that "
            "weaken confidence in your impartiality."
        ),
    )
    explanation = forms.CharField(
        label=_("If yes: what gives the conflict of interest"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ReopenDeadlineField(forms.DateField):
    """The new, dated deadline a reopening gives the applicant."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApplicationListFilter(forms.Form):
    """The applicant's list: search, organisation (for members of several) and year; every
    parameter parsed by a field, so a bad value is ignored."""

    q = forms.CharField(label=_("Search title or case number"), required=False, max_length=100)
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int, required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(self, *args: Any, organisations: list, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            ("", _("All your organisations")),
            *((o.pk, o.name) for o in organisations),
        ]
        self.fields["year"].choices = [("", _("All years")), *((y, y) for y in years)]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        q = (data.get("q") or "").replace("\x00", "").strip()
        return {
            "q": q,
            "organisation_id": data.get("organisation") or None,
            "year": data.get("year") or None,
        }
