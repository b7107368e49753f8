from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from .actions import ACTIONS, action_display
from .models import AuditEntry


class ActionFilter(admin.SimpleListFilter):
    """Filter by what happened, named as a person reads it (the codes stay in the database)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        # Every action the portal knows, from its register: a DISTINCT over the whole audit
        # trail read every row of it on each page.
        return sorted(((code, action_display(code)) for code in ACTIONS), key=lambda item: item[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only, in the user's language: what happened, to what, by whom, and
    the statuses before and after by their names."""

    list_display = [
        "created_at",
        "action_label",
        "actor",
        "organisation_label",
        "subject_label",
        "old_status_label",
        "new_status_label",
    ]
    list_filter = [ActionFilter]
    list_select_related = ["actor", "organisation", "content_type"]
    search_fields = ["reason", "actor__full_name", "actor__email", "organisation__name"]
    fields = [
        "created_at",
        "action_label",
        "actor",
        "organisation_label",
        "subject_label",
        "old_status_label",
        "new_status_label",
        "reason",
        "data",
    ]
    readonly_fields = fields

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, entry: AuditEntry) -> str:
        return entry.display

    @admin.display(description=_("organisation"), ordering="organisation__name")
    def organisation_label(self, entry: AuditEntry) -> str:
        return str(entry.organisation) if entry.organisation else "–"

    @admin.display(description=_("from status"), ordering="old_status")
    def old_status_label(self, entry: AuditEntry) -> str:
        return entry.old_status_display if entry.old_status else "–"

    @admin.display(description=_("to status"), ordering="new_status")
    def new_status_label(self, entry: AuditEntry) -> str:
        return entry.new_status_display if entry.new_status else "–"

    @admin.display(description=_("concerns"))
    def subject_label(self, entry: AuditEntry) -> str:
        kind = entry.content_type.model_class()
        name = str(kind._meta.verbose_name if kind else entry.content_type.model)
        # The case number is stored on the entry: loading each subject took a query per kind.
        return f"{name[:1].upper()}{name[1:]}: {entry.case_number or entry.object_id}"

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        """The entry's heading names the action and the local time, not the code."""
        entry = self.get_object(request, object_id)
        if entry is not None:
            when = date_format(localtime(entry.created_at), "DATETIME_FORMAT")
            extra_context = {**(extra_context or {}), "subtitle": f"{when} – {entry.display}"}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        """Searching also finds the actions whose name (in the user's language) contains the
        words, e.g. "aksept"."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().lower()
        if term:
            codes = [code for code, label in ACTIONS.items() if term in str(label).lower()]
            if codes:
                found = found | queryset.filter(action__in=codes)
        return found, duplicates

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
