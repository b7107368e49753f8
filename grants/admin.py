from django.contrib import admin

from imdi_grants.accounts.admin import NorwegianImportExportAdmin
from schemes.admin import SchemeYearFilter

from .models import Grant, GrantLetter, Payment, PaymentBatch, PlannedYear, Repayment
from .resources import PaymentDisbursedResource


class ReadOnlyMixin:
    """Grants change only through their services (state machine and audit trail)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A list of the rows by their names; a name follows the row's grant, so every required
    foreign key is read in the list's one query."""

    list_select_related = True


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["case_number", "organisation", "scheme_year", "status", "amount"]
    list_filter = ["status", ("scheme_year", SchemeYearFilter)]
    list_select_related = ["organisation", "scheme_year__scheme"]
    search_fields = ["case_number", "organisation__name"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, NorwegianImportExportAdmin):
    """Read-only, but the accounting system's file of payments paid out is imported here
    (``PaymentDisbursedResource``: previewed, then each row through ``payment_disburse``)."""

    resource_classes = [PaymentDisbursedResource]
    list_display = [
        "grant",
        "term",
        "due_on",
        "amount",
        "status",
        "payment_date",
        "disbursed_on",
        "voucher_reference",
    ]
    list_filter = ["status", "term"]
    list_select_related = ["grant__organisation"]
    search_fields = ["grant__case_number", "voucher_reference"]


for model in (GrantLetter, PaymentBatch, PlannedYear, Repayment):
    admin.site.register(model, ReadOnlyAdmin)
