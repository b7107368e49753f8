"""The approved payment list as CSV or XLSX (django-import-export), for the finance system, and
the finance system's answer: which payments went out, on which day, with which voucher."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.widgets import DateWidget

from imdi_grants.lib.imports import (
    RowErrors,
    RowPlan,
    ServiceRowResource,
    case_numbers,
    parse_choice,
    parse_date,
    parse_text,
    values_differ,
)
from schemes.models import TermKind

from .models import PAID_STATUSES, Grant, Payment, PaymentStatus
from .services import payment_disburse


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


class PaymentDisbursedResource(ServiceRowResource):
    """The accounting system's confirmation that approved payments went out: one row per term,
    found by the grant's case number (``saksnummer``) and the term (``termin``: yearly, spring,
    autumn, or their names), with the day it was paid (``utbetalt_dato``) and the voucher
    (``bilagsnummer``). Each row goes through ``payment_disburse``: only an approved payment
    can be paid out, once, and each is audited. A row without a day and a voucher says
    nothing and is skipped, so the export (every approved payment, paid out or not) imports
    again unchanged."""

    case_number = fields.Field(attribute="grant__case_number", column_name="saksnummer")
    term = fields.Field(attribute="term", column_name="termin")
    disbursed_on = fields.Field(
        attribute="disbursed_on", column_name="utbetalt_dato", widget=DateWidget("%Y-%m-%d")
    )
    voucher_reference = fields.Field(attribute="voucher_reference", column_name="bilagsnummer")

    class Meta:
        model = Payment
        name = gettext_lazy("Payments paid out (from the accounting system)")
        fields = ("case_number", "term", "disbursed_on", "voucher_reference")
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return (
            queryset.filter(status__in=PAID_STATUSES)
            .select_related("grant")
            .order_by("grant__case_number", "due_on")
        )

    def before_import(self, dataset, **kwargs):
        """The file's grants and payments, in two queries."""
        cases = case_numbers(dataset)
        self._cases = set(
            Grant.objects.filter(case_number__in=cases).values_list("case_number", flat=True)
        )
        self._payments = {
            (p.grant.case_number, p.term): p
            for p in Payment.objects.select_related("grant").filter(grant__case_number__in=cases)
        }

    def row_read(self, row: dict, user) -> RowPlan:
        errors = RowErrors()
        case = errors.read("saksnummer", row, parse_text, required=True)
        term = errors.read("termin", row, parse_choice, choices=TermKind)
        day = errors.read("utbetalt_dato", row, parse_date, required=False)
        voucher = errors.read(
            "bilagsnummer",
            row,
            parse_text,
            max_length=Payment._meta.get_field("voucher_reference").max_length,
        )
        payment = self._payments.get((case, term))
        if case and case not in self._cases:
            errors.add("saksnummer", _("No grant has the case number “%(case)s”.") % {"case": case})
        elif case and term and payment is None:
            errors.add(
                "termin",
                _("%(case)s has no %(term)s.")
                % {"case": case, "term": TermKind(term).label.lower()},
            )
        if day is None and voucher and "utbetalt_dato" not in errors.errors:
            errors.add("utbetalt_dato", _("Give the day the payment was made (YYYY-MM-DD)."))
        if day is not None and not voucher and "bilagsnummer" not in errors.errors:
            errors.add("bilagsnummer", _("Give the voucher number (bilagsnummer) of the payment."))
        errors.raise_if_any()
        values = {"disbursed_on": day, "voucher_reference": voucher}
        unchanged = day is None or (
            payment.status == PaymentStatus.DISBURSED and not values_differ(payment, values)
        )
        return RowPlan(instance=payment, values=values, unchanged=unchanged)

    def row_write(self, plan: RowPlan, user) -> Payment:
        return payment_disburse(payment=plan.instance, by=user, **plan.values)
