from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import FieldDoesNotExist
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.forms import SelectableFieldsExportForm

from .models import Invitation, Membership, Organisation, User
from .resources import LanguageDecisionResource, OrganisationResource
from .services import ORGANISATION_EDITABLE_FIELDS, organisation_update

#: An organisation's fields from the registry of municipalities and county municipalities.
REGISTRY_FIELDS = (
    "name",
    "short_name",
    "is_municipality",
    "is_county_municipality",
    "municipality_number",
    "county_number",
)


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline shows its labels only as column headings; each field also gets its label
    as ``aria-label``, so a screen reader says what the field is (WCAG 1.3.1, 4.1.2)."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        for field in form.fields.values():
            widget = field.widget
            while widget is not None:
                widget.attrs.setdefault("aria-label", capfirst(str(field.label or "")))
                widget = getattr(widget, "widget", None)


def _column_label(resource_class, column: str) -> str:
    """A resource column as a person reads it: the model field's label, then the column's name
    as it stands in the file, e.g. "Kommunenummer (municipality_number)"."""
    field = resource_class.fields.get(column) if hasattr(resource_class, "fields") else None
    name = (field.attribute if field is not None and field.attribute else column).split("__")[0]
    try:
        label = resource_class._meta.model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return column
    return f"{capfirst(str(label))} ({column})"


class LabelledExportForm(SelectableFieldsExportForm):
    """The export's field choice with the fields' labels instead of their column codes. The page
    renders only this form's media, so the admin's stylesheet and the script that gives the
    "select all" box the id its label points to come with it."""

    @property
    def media(self) -> forms.Media:
        return super().media + forms.Media(css={"all": ["css/admin.css"]}, js=["js/portal.js"])

    def _get_field_label(self, resource, field_name: str) -> str:
        return _column_label(resource, field_name)


class NorwegianImportExportAdmin(ImportExportModelAdmin):
    """django-import-export's pages with the fields named by their labels (in the user's
    language) and the column codes the file uses beside them. The package's own words are
    translated in our catalogue (see ``IMPORT_EXPORT_MESSAGES`` in resources.py)."""

    export_form_class = LabelledExportForm

    class Media:
        css = {"all": ["css/admin.css"]}

    def _labelled(self, response, resource_classes):
        if isinstance(response, TemplateResponse) and response.context_data.get("fields_list"):
            response.context_data["fields_list"] = [
                (name, [_column_label(resource, column) for column in columns])
                for (name, columns), resource in zip(
                    response.context_data["fields_list"], resource_classes, strict=False
                )
            ]
        return response

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        return self._labelled(response, self.get_import_resource_classes(request))

    def export_action(self, request):
        response = super().export_action(request)
        return self._labelled(response, self.get_export_resource_classes(request))


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = LabelledInlineFormSet
    extra = 0
    autocomplete_fields = ["user", "organisation"]


class AuditedMembershipsMixin:
    """Who may act for an organisation (a signatory accepts grant letters) changes in the admin
    only with an audit entry: each added, changed or removed membership, with the old and the
    new role."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        from .services import membership_changes_audit

        before = {
            m.pk: m.role
            for m in Membership.objects.filter(
                pk__in=[f.instance.pk for f in formset.forms if f.instance.pk]
            )
        }
        super().save_formset(request, form, formset, change)
        membership_changes_audit(
            by=request.user,
            added=formset.new_objects,
            changed=[(obj, before.get(obj.pk, "")) for obj, _fields in formset.changed_objects],
            removed=[(obj, before.get(obj.pk, obj.role)) for obj in formset.deleted_objects],
        )


class UserAddForm(forms.ModelForm):
    """Staff and municipal users are created without a password; they set one from an e-mail
    link (the invitation, or "forgot password")."""

    class Meta:
        model = User
        fields = ("email", "full_name", "staff_role")


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedMembershipsMixin, DjangoUserAdmin):
    add_form = UserAddForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "full_name", "staff_role", "is_active", "last_login"]
    list_filter = ["staff_role", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "job_title")}),
        (_("Access"), {"fields": ("staff_role", "is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "staff_role")}),
    )

    class Media:
        css = {"all": ["css/admin.css"]}

    def save_model(self, request, obj, form, change):
        """Unticking "active" ends the person's sessions everywhere (``user_deactivate``). The
        address the administrator gives is the user's verified primary one, as for an invited
        user (``user_primary_email_confirm``)."""
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        if deactivated:
            obj.is_active = True  # the service makes the change, ends the sessions and audits
        access_changed = {
            name: (form.initial.get(name), form.cleaned_data[name])
            for name in ("staff_role", "is_staff", "is_superuser")
            if change and name in form.changed_data
        }
        super().save_model(request, obj, form, change)
        if access_changed:
            from .services import staff_access_audit

            staff_access_audit(user=obj, by=request.user, changes=access_changed)
        if not change or "email" in form.changed_data:
            from .services import user_primary_email_confirm

            user_primary_email_confirm(user=obj)
        if deactivated:
            from .services import user_deactivate

            user_deactivate(user=obj, by=request.user)
            obj.refresh_from_db()


@admin.register(Organisation)
class OrganisationAdmin(AuditedMembershipsMixin, NorwegianImportExportAdmin):
    resource_classes = [OrganisationResource, LanguageDecisionResource]
    list_display = [
        "name",
        "municipality_number",
        "county_number",
        "organisation_number",
        "written_standard",
        "is_municipality",
        "is_county_municipality",
    ]
    list_filter = ["is_municipality", "is_county_municipality", "written_standard", "county_number"]
    search_fields = ["name", "municipality_number", "organisation_number"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        """The registry's fields come from loading or importing the registry (audited there);
        on an existing organisation they are not typed in by hand."""
        return REGISTRY_FIELDS if obj is not None else ()

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        return (
            (
                _("From the registry"),
                {
                    "fields": REGISTRY_FIELDS,
                    "description": _(
                        "Changed by loading or importing the registry; each change is recorded "
                        "in the audit log."
                    ),
                },
            ),
            (
                _("What letters and payments use"),
                {
                    "fields": ORGANISATION_EDITABLE_FIELDS,
                    "description": _(
                        "Saved by the same rules as on the organisation's page in the portal: "
                        "each change is recorded in the audit log with the old and the new value."
                    ),
                },
            ),
        )

    def save_model(self, request, obj, form, change):
        """A change goes through ``organisation_update``, which checks the numbers and writes
        the audit entry with the old and the new value; a new organisation is saved as is."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        changed = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in ORGANISATION_EDITABLE_FIELDS
        }
        if changed:
            organisation_update(organisation=obj, by=request.user, **changed)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "invited_by", "created_at", "sent_at"]
    list_select_related = ["organisation", "invited_by"]
    readonly_fields = ["sent_at"]

    class Media:
        css = {"all": ["css/admin.css"]}
