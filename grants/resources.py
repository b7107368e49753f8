"""The approved payment list as CSV or XLSX (django-import-export), for the finance system."""

from __future__ import annotations

from import_export import fields, resources

from .models import Payment


class PaymentResource(resources.ModelResource):
    case_number = fields.Field(attribute="grant__case_number", column_name="saksnummer")
    organisation = fields.Field(attribute="grant__organisation__name", column_name="mottaker")
    organisation_number = fields.Field(
        attribute="organisation_number", column_name="organisasjonsnummer"
    )
    bank_account_number = fields.Field(attribute="bank_account_number", column_name="kontonummer")
    amount = fields.Field(attribute="net", column_name="beløp")
    withheld = fields.Field(attribute="withheld", column_name="tilbakeholdt")
    set_off = fields.Field(attribute="set_off", column_name="motregnet")
    payment_date = fields.Field(attribute="payment_date", column_name="utbetalingsdato")
    term = fields.Field(attribute="get_term_display", column_name="termin")
    batch = fields.Field(attribute="batch_id", column_name="utbetalingsliste")
    budget_chapter = fields.Field(
        attribute="grant__scheme_year__scheme__budget_chapter", column_name="kapittel"
    )
    budget_post = fields.Field(
        attribute="grant__scheme_year__scheme__budget_post", column_name="post"
    )

    class Meta:
        model = Payment
        fields = (
            "case_number",
            "organisation",
            "organisation_number",
            "bank_account_number",
            "amount",
            "withheld",
            "set_off",
            "payment_date",
            "term",
            "batch",
            "budget_chapter",
            "budget_post",
        )
        export_order = fields
