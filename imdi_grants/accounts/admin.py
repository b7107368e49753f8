from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from .models import Invitation, Membership, Organisation, User
from .resources import OrganisationResource


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]


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
class UserAdmin(DjangoUserAdmin):
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


@admin.register(Organisation)
class OrganisationAdmin(ImportExportModelAdmin):
    resource_classes = [OrganisationResource]
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


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "invited_by", "created_at", "sent_at"]
    list_select_related = ["organisation", "invited_by"]
    readonly_fields = ["sent_at"]
