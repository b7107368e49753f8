from django.contrib import admin

from .models import Grant, GrantLetter, Payment, PaymentBatch, PlannedYear, Repayment


class ReadOnlyAdmin(admin.ModelAdmin):
    """Grants change only through their services (state machine and audit trail)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["case_number", "organisation", "scheme_year", "status", "amount"]
    list_filter = ["status", "scheme_year"]
    list_select_related = ["organisation", "scheme_year__scheme"]
    search_fields = ["case_number", "organisation__name"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["grant", "term", "due_on", "amount", "status", "payment_date"]
    list_filter = ["status", "term"]
    list_select_related = ["grant__organisation"]


for model in (GrantLetter, PaymentBatch, PlannedYear, Repayment):
    admin.site.register(model, ReadOnlyAdmin)
