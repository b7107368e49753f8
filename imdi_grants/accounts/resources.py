"""Import and export of organisations through django-import-export (with its preview)."""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy
from import_export import resources

from imdi_grants.lib.identifiers import (
    normalise_bank_account_number,
    normalise_organisation_number,
)

from .models import Organisation

# django-import-export ships no Bokmål or Nynorsk catalogue, and Django's Bokmål one lacks a few
# of the admin's newer words, so their pages would read in English. These are their user-facing
# messages, word for word; listing them here makes makemessages keep them in locale/nb and
# locale/nn, and our catalogue (LOCALE_PATHS) answers for the packages too. Keep them exactly as
# the packages write them (trailing spaces included) when upgrading.
IMPORT_EXPORT_MESSAGES = (
    gettext_noop("Import"),
    gettext_noop("Export"),
    gettext_noop("Resource"),
    gettext_noop("Format"),
    gettext_noop("File to import"),
    gettext_noop("Submit"),
    gettext_noop("Select all"),
    gettext_noop("This importer will import the following fields: "),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop(
        "Below is a preview of data to be imported. If you are satisfied with the results, "
        "click 'Confirm import'"
    ),
    gettext_noop("Confirm import"),
    gettext_noop("Errors"),
    gettext_noop("Line number"),
    gettext_noop("Some rows failed to validate"),
    gettext_noop(
        "Please correct these errors in your data where possible, then reupload it using the "
        "form above."
    ),
    gettext_noop("Row"),
    gettext_noop("Non field specific"),
    gettext_noop("Preview"),
    gettext_noop("New"),
    gettext_noop("Skipped"),
    gettext_noop("Update"),
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct "
        "format for the file."
    ),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
    gettext_noop("Export selected %(verbose_name_plural)s"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("Value could not be parsed."),
    ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", "len"),
    # Django's admin (its Bokmål catalogue lacks these)
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("Start typing to filter…"),
)


class OrganisationResource(resources.ModelResource):
    """Rows are matched on municipality number and county number; numbers are checked (MOD11)
    before anything is saved, so a wrong check digit is an error in the preview."""

    class Meta:
        model = Organisation
        import_id_fields = ("municipality_number", "county_number", "is_county_municipality")
        fields = (
            "name",
            "short_name",
            "is_municipality",
            "is_county_municipality",
            "municipality_number",
            "county_number",
            "organisation_number",
            "bank_account_number",
            "written_standard",
            "postal_address",
            "postal_code",
            "postal_place",
            "phone",
            "email",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def before_import_row(self, row: dict, **kwargs: object) -> None:
        for column in ("municipality_number", "organisation_number"):
            if not row.get(column):
                row[column] = None
        if row.get("organisation_number"):
            row["organisation_number"] = normalise_organisation_number(
                str(row["organisation_number"])
            )
        if row.get("bank_account_number"):
            row["bank_account_number"] = normalise_bank_account_number(
                str(row["bank_account_number"])
            )
