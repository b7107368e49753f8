from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from imdi_grants.accounts.admin import LabelledInlineFormSet, NorwegianImportExportAdmin

from .models import BasicAmount, FocusArea, PaymentTerm, ReportDeadline, Scheme, SchemeYear
from .resources import SchemeYearResource
from .services import area_budgets_check, scheme_year_assert_editable, scheme_year_save


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "budget_chapter", "budget_post"]

    class Media:
        css = {"all": ["css/admin.css"]}


class LockedYearFormSet(LabelledInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if self.has_changed():
            scheme_year_assert_editable(scheme_year=self.instance)


class FocusAreaFormSet(LockedYearFormSet):
    def clean(self) -> None:
        super().clean()
        area_budgets_check(
            frame=self.instance.budget_frame,
            budgets=[
                form.cleaned_data.get("budget_amount")
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ],
        )


class FocusAreaInline(admin.StackedInline):
    model = FocusArea
    formset = FocusAreaFormSet
    extra = 0


class ReportDeadlineInline(admin.TabularInline):
    model = ReportDeadline
    formset = LockedYearFormSet
    extra = 0


class PaymentTermInline(admin.TabularInline):
    model = PaymentTerm
    formset = LockedYearFormSet
    extra = 0


class SchemeYearForm(forms.ModelForm):
    class Meta:
        model = SchemeYear
        fields = "__all__"

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.has_changed():
            scheme_year_assert_editable(scheme_year=self.instance, changed=self.changed_data)
        return cleaned


@admin.register(SchemeYear)
class SchemeYearAdmin(NorwegianImportExportAdmin):
    form = SchemeYearForm
    resource_classes = [SchemeYearResource]
    inlines = [ReportDeadlineInline, PaymentTermInline, FocusAreaInline]
    list_display = [
        "scheme",
        "year",
        "is_demo",
        "rate_per_place_per_month",
        "application_deadline",
        "budget_frame",
        "letters_issued_at",
    ]
    list_filter = ["scheme", "is_demo"]
    list_select_related = ["scheme"]
    readonly_fields = ["letters_issued_at"]

    def save_model(
        self, request: HttpRequest, obj: SchemeYear, form: forms.ModelForm, change: bool
    ) -> None:
        scheme_year_save(scheme_year=obj, by=request.user, changed=list(form.changed_data))


@admin.register(BasicAmount)
class BasicAmountAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "amount", "is_demo"]

    class Media:
        css = {"all": ["css/admin.css"]}
