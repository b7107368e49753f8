"""Import and export of organisations through django-import-export (with its preview)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy
from import_export import fields, resources

from imdi_grants.audit.services import audit_log
from imdi_grants.lib.identifiers import (
    normalise_bank_account_number,
    normalise_organisation_number,
)
from imdi_grants.lib.imports import AllOrNothingMixin

from .models import Organisation, WrittenStandard

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


#: What an import may change on an organisation, each change audited with its old and new value.
AUDITED_FIELDS = (
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


class AuditedImportMixin:
    """An imported row that changes an existing organisation writes the same audit entry as
    ``organisation_update`` (``imdi.organisation.changed``, each field's old and new value, by
    the administrator who imported), in the import's transaction: a preview's entries are rolled
    back with it."""

    def save_instance(self, instance, is_create, row, **kwargs):
        before = (
            None
            if is_create
            else Organisation.objects.filter(pk=instance.pk).values(*AUDITED_FIELDS).first()
        )
        super().save_instance(instance, is_create, row, **kwargs)
        if before is None or (kwargs.get("dry_run") and not kwargs.get("using_transactions")):
            return  # created, or a preview without a transaction, which saved nothing
        changes = {
            name: {"from": before[name], "to": getattr(instance, name)}
            for name in AUDITED_FIELDS
            if (before[name] or "") != (getattr(instance, name) or "")  # None and "" alike
        }
        if changes:
            user = kwargs.get("user")
            audit_log(
                subject=instance,
                action="imdi.organisation.changed",
                actor=user if user is not None and user.is_authenticated else None,
                organisation=instance,
                data={"changes": changes, "import": True},
            )


class OrganisationResource(AllOrNothingMixin, AuditedImportMixin, resources.ModelResource):
    """Rows are matched on municipality number and county number; numbers are checked (MOD11)
    before anything is saved, so a wrong check digit is an error in the preview."""

    class Meta:
        name = _("Organisations")
        model = Organisation
        import_id_fields = ("municipality_number", "county_number", "is_county_municipality")
        fields = AUDITED_FIELDS  # every column the import may change is audited
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


#: How a decision may be written in the file (the Language Act § 15: bokmål, nynorsk or neutral).
DECISIONS = {
    "bokmål": WrittenStandard.BOKMAL,
    "bokmal": WrittenStandard.BOKMAL,
    "nb": WrittenStandard.BOKMAL,
    "nynorsk": WrittenStandard.NYNORSK,
    "nn": WrittenStandard.NYNORSK,
    "nøytral": WrittenStandard.NEUTRAL,
    "noytral": WrittenStandard.NEUTRAL,
    "neutral": WrittenStandard.NEUTRAL,
}


def decision_parse(text: object) -> str:
    decision = DECISIONS.get(str(text or "").strip().lower())
    if decision is None:
        raise ValueError(
            _("“%(value)s” is not a written standard: write bokmål, nynorsk or nøytral.")
            % {"value": text}
        )
    return decision


def organisation_by_number(number: object) -> Organisation | None:
    """A municipality by its four digits, a county municipality by its two."""
    digits = str(number or "").strip()
    if len(digits) == 3 and digits.isdigit():  # a spreadsheet dropped the leading zero
        digits = f"0{digits}"
    if len(digits) == 1 and digits.isdigit():
        digits = f"0{digits}"
    if len(digits) == 4:
        return Organisation.objects.filter(municipality_number=digits).first()
    if len(digits) == 2:
        return Organisation.objects.filter(
            county_number=digits, is_county_municipality=True
        ).first()
    return None


class LanguageDecisionResource(AllOrNothingMixin, AuditedImportMixin, resources.ModelResource):
    """Each municipality's and county municipality's decision on the written standard state
    bodies use towards it (målform, the Language Act § 15), from a file with the columns
    "nummer" (municipality or county number) and "målform" (bokmål, nynorsk or nøytral). Rows
    match existing organisations only; an unknown number or decision is an error in the preview,
    and a file with any error imports nothing."""

    number = fields.Field(column_name="nummer", attribute="registry_number", readonly=True)
    decision = fields.Field(column_name="målform", attribute="written_standard")

    class Meta:
        model = Organisation
        name = _("Written standard (målform) by number")
        fields = ("number", "decision")
        import_id_fields = ()
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_instance(self, instance_loader, row: dict) -> Organisation | None:
        return organisation_by_number(row.get("nummer"))

    def before_import_row(self, row: dict, **kwargs: object) -> None:
        if organisation_by_number(row.get("nummer")) is None:
            raise ValueError(
                _("Row with number “%(number)s”: no municipality or county municipality has it.")
                % {"number": row.get("nummer")}
            )
        row["målform"] = decision_parse(row.get("målform"))
