from django.contrib import admin

from .models import (
    AcceptanceLetter,
    ChangeRequest,
    PartnershipAgreement,
    PlaceCount,
    ReceptionAgreement,
    ReceptionOffer,
)


class PlaceCountInline(admin.TabularInline):
    model = PlaceCount
    extra = 0


@admin.register(ReceptionAgreement)
class ReceptionAgreementAdmin(admin.ModelAdmin):
    list_display = ["organisation", "start_date", "end_date"]
    list_select_related = ["organisation"]
    inlines = [PlaceCountInline]
    search_fields = ["organisation__name"]


@admin.register(PartnershipAgreement)
class PartnershipAgreementAdmin(admin.ModelAdmin):
    list_display = ["organisation", "valid_from", "valid_to", "nav_office"]
    list_select_related = ["organisation"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Cases change only through their services (state machine and audit trail)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReceptionOffer)
class ReceptionOfferAdmin(ReadOnlyAdmin):
    list_display = ["case_number", "organisation", "scheme_year", "status", "amount"]
    list_filter = ["status", "scheme_year"]
    list_select_related = ["organisation", "scheme_year__scheme"]
    search_fields = ["case_number", "organisation__name"]


for model in (AcceptanceLetter, ChangeRequest):
    admin.site.register(model, ReadOnlyAdmin)
