"""Import and export of organisations through django-import-export (with its preview)."""

from __future__ import annotations

from import_export import resources

from imdi_grants.lib.identifiers import (
    normalise_bank_account_number,
    normalise_organisation_number,
)

from .models import Organisation


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
