from django.contrib import admin

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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
