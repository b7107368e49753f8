from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from grants.access import grants_visible_to
from imdi_grants.accounts.admin import NorwegianImportExportAdmin

from .models import Report, ReportActivity
from .resources import ReportStatusResource


class ReportActivityInline(admin.TabularInline):
    model = ReportActivity
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(NorwegianImportExportAdmin):
    """Read-only, but a file of reports' status is imported here (``ReportStatusResource``:
    previewed, then each submitted report approved or sent back through ``report_review``)."""

    resource_classes = [ReportStatusResource]
    list_display = ["grant", "kind", "period_start", "due_date", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["grant__organisation"]
    search_fields = ["grant__case_number", "grant__organisation__name"]
    inlines = [ReportActivityInline]
    # The accounts form is opened through the access-checked view, never a MEDIA_URL link.
    exclude = ["accounts_file"]
    readonly_fields = ["accounts_form"]

    @admin.display(description=_("accounts on IMDi's form (XLSX)"))
    def accounts_form(self, obj: Report) -> str:
        if not obj.accounts_file:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("reporting:accounts_file", args=[obj.pk]),
            obj.accounts_file_name,
        )

    def get_export_queryset(self, request):
        """Not the reports of a case the person declared a conflict of interest in."""
        return (
            super().get_export_queryset(request).filter(grant__in=grants_visible_to(request.user))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
