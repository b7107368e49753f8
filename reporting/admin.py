from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Report, ReportActivity


class ReportActivityInline(admin.TabularInline):
    model = ReportActivity
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["grant", "kind", "period_start", "due_date", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["grant__organisation"]
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
