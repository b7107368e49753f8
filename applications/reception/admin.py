from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from imdi_grants.accounts.admin import NorwegianImportExportAdmin
from imdi_grants.lib.workflow import DomainError
from schemes.admin import SchemeYearFilter

from .models import (
    AcceptanceLetter,
    ChangeRequest,
    PartnershipAgreement,
    PlaceCount,
    ReceptionAgreement,
    ReceptionOffer,
)
from .resources import PlaceCountResource
from .services import agreement_end_date_check, agreement_end_date_set


class ReadOnlyAdmin(admin.ModelAdmin):
    """Cases change only through their services (state machine and audit trail). The list
    reads every required foreign key in its one query (a row's name follows its offer)."""

    list_select_related = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlaceCountInline(admin.TabularInline):
    """Read-only: places are recorded on the agreement's page in the portal
    (``place_count_set``: the rule on decided years, the old and new number audited)."""

    model = PlaceCount
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _portal_link(url: str) -> str:
    return format_html(
        '<a href="{}">{}</a>', url, _("Change them on the agreement's page in the portal")
    )


class ReceptionAgreementForm(forms.ModelForm):
    class Meta:
        model = ReceptionAgreement
        fields = ["end_date"]

    def clean(self) -> dict:
        """The service's rule, shown on the form (the instance still holds the stored date)."""
        cleaned = super().clean()
        if "end_date" in self.changed_data:
            try:
                agreement_end_date_check(agreement=self.instance, end_date=cleaned.get("end_date"))
            except DomainError as exc:
                raise ValidationError(str(exc), code="agreement_end_date") from exc
        return cleaned


@admin.register(ReceptionAgreement)
class ReceptionAgreementAdmin(NorwegianImportExportAdmin):
    """Agreements are registered in the portal (``agreement_register``) and their places changed
    there; here only the end date can change, saved through ``agreement_end_date_set`` with the
    old and new date in the audit trail. Agreements and places come in bulk through the import
    (``resources.PlaceCountResource``: the same services, with a preview)."""

    resource_classes = [PlaceCountResource]

    form = ReceptionAgreementForm
    list_display = ["organisation", "start_date", "end_date"]
    list_select_related = ["organisation"]
    inlines = [PlaceCountInline]
    search_fields = ["organisation__name"]
    fields = ["organisation", "start_date", "end_date", "created_by", "portal_page"]
    readonly_fields = ["organisation", "start_date", "created_by", "portal_page"]

    @admin.display(description=_("places and partnership agreements"))
    def portal_page(self, agreement: ReceptionAgreement) -> str:
        return _portal_link(reverse("reception:agreement_detail", args=[agreement.pk]))

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(
        self, request: HttpRequest, obj: ReceptionAgreement, form: forms.ModelForm, change: bool
    ) -> None:
        if "end_date" in form.changed_data:
            agreement_end_date_set(
                agreement=obj, end_date=form.cleaned_data["end_date"], by=request.user
            )


@admin.register(PartnershipAgreement)
class PartnershipAgreementAdmin(ReadOnlyAdmin):
    """Read-only: a partnership agreement is registered with its signed PDF on the agreement's
    page in the portal (``partnership_agreement_register``, audited); its dates decide whether
    a grant may be offered and issued."""

    list_display = ["organisation", "valid_from", "valid_to", "nav_office"]
    list_select_related = ["organisation"]
    readonly_fields = ["portal_page"]

    @admin.display(description=_("places and partnership agreements"))
    def portal_page(self, partnership: PartnershipAgreement) -> str:
        agreement = partnership.organisation.reception_agreements.first()
        if agreement is None:
            return _portal_link(reverse("reception:agreement_list"))
        return _portal_link(reverse("reception:agreement_detail", args=[agreement.pk]))


@admin.register(ReceptionOffer)
class ReceptionOfferAdmin(ReadOnlyAdmin):
    list_display = ["case_number", "organisation", "scheme_year", "status", "amount"]
    list_filter = ["status", ("scheme_year", SchemeYearFilter)]
    list_select_related = ["organisation", "scheme_year__scheme"]
    search_fields = ["case_number", "organisation__name"]


for model in (AcceptanceLetter, ChangeRequest):
    admin.site.register(model, ReadOnlyAdmin)
