from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imdi_grants.accounts.admin import LabelledInlineFormSet, NorwegianImportExportAdmin
from imdi_grants.lib.workflow import DomainError

from .models import BasicAmount, FocusArea, PaymentTerm, ReportDeadline, Scheme, SchemeYear
from .resources import (
    FocusAreaResource,
    PaymentTermResource,
    ReportDeadlineResource,
    SchemeYearResource,
)
from .services import (
    area_budgets_check,
    scheme_year_assert_editable,
    scheme_year_copy,
    scheme_year_save,
)


class SchemeYearFilter(admin.RelatedFieldListFilter):
    """The admin's "by scheme year" filter: its choices read with their scheme (a year names
    its scheme), so the filter costs one query, not one per year."""

    def field_choices(self, field, request, model_admin):
        years = SchemeYear.objects.select_related("scheme").order_by("scheme__code", "-year")
        return [(year.pk, str(year)) for year in years]


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
    # The year's values, then its rows: each previewed, then saved through the services.
    resource_classes = [
        SchemeYearResource,
        FocusAreaResource,
        ReportDeadlineResource,
        PaymentTermResource,
    ]
    inlines = [ReportDeadlineInline, PaymentTermInline, FocusAreaInline]
    list_display = [
        "scheme",
        "year",
        "is_demo",
        "rate_per_place_per_month",
        "application_deadline",
        "budget_frame",
        "letters_issued_at",
        "is_published",
    ]
    list_filter = ["scheme", "is_demo"]
    list_select_related = ["scheme"]
    readonly_fields = ["letters_issued_at", "published_at", "published_by", "review_link"]
    actions = ["copy_to_next_year"]

    @admin.display(boolean=True, description=gettext_lazy("published"))
    def is_published(self, obj: SchemeYear) -> bool:
        return obj.is_published

    @admin.display(description=gettext_lazy("review"))
    def review_link(self, obj: SchemeYear) -> str:
        if obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("schemes:year_review", args=[obj.pk]),
            _("What differs from the year before, and publishing"),
        )

    @admin.action(description=gettext_lazy("Copy to the next year, for review"))
    def copy_to_next_year(self, request: HttpRequest, queryset: QuerySet[SchemeYear]) -> None:
        """The same copy as the portal's button (``scheme_year_copy``), for each year chosen."""
        for source in queryset.select_related("scheme").order_by("scheme__code", "year"):
            try:
                copy = scheme_year_copy(source=source, by=request.user)
            except DomainError as exc:
                self.message_user(request, str(exc), level=messages.ERROR)
            else:
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("%(year)s is created as a draft for review.") % {"year": copy},
                        reverse("schemes:year_review", args=[copy.pk]),
                        _("Review and publish it"),
                    ),
                    level=messages.SUCCESS,
                )

    def save_model(
        self, request: HttpRequest, obj: SchemeYear, form: forms.ModelForm, change: bool
    ) -> None:
        scheme_year_save(scheme_year=obj, by=request.user, changed=list(form.changed_data))


@admin.register(BasicAmount)
class BasicAmountAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "amount", "is_demo"]

    class Media:
        css = {"all": ["css/admin.css"]}
