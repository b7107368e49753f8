"""Import and export of the yearly configuration through django-import-export (with its preview):
the year's own values (rates, dates, the budget frame: ``SchemeYearResource``) and its rows —
focus areas, report deadlines and payment terms — one file each, every row keyed by the scheme's
code (``ordning``), the year (``år``) and what the row is within the year.

Every row is written by a service (``scheme_year_save``, ``year_row_save``): checked by the
admin's rules (a year whose letters lock it is refused, texts in Bokmål and Nynorsk, the focus
areas' budgets within the frame) and audited with its old and new values. A file with any bad
row imports nothing and lists every bad row; an exported file imports again unchanged."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.widgets import DateWidget, ForeignKeyWidget

from imdi_grants.lib.imports import (
    AllOrNothingMixin,
    RowErrors,
    RowPlan,
    ServiceRowResource,
    YesNoWidget,
    cell_text,
    importing_user,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
    values_differ,
)
from imdi_grants.lib.workflow import DomainError

from .models import (
    FocusArea,
    FocusAreaKind,
    PaymentTerm,
    ReportDeadline,
    ReportKind,
    Scheme,
    SchemeCode,
    SchemeYear,
    TermKind,
)
from .services import scheme_year_save, year_row_save


class SchemeYearResource(AllOrNothingMixin, resources.ModelResource):
    """One row per scheme and year; each saved through ``scheme_year_save`` (audited, and a
    year whose letters lock it refused row by row in the preview)."""

    scheme = fields.Field(
        attribute="scheme", column_name="scheme", widget=ForeignKeyWidget(Scheme, field="code")
    )

    class Meta:
        name = gettext_lazy("Rates, dates and budget frame of a year")
        model = SchemeYear
        import_id_fields = ("scheme", "year")
        fields = (
            "scheme",
            "year",
            "circular",
            "rate_per_place_per_month",
            "application_opens_on",
            "application_deadline",
            "acceptance_window_days",
            "grant_letter_target_date",
            "budget_frame",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def save_instance(self, instance: SchemeYear, is_create: bool, row: dict, **kwargs: Any):
        names = [field.attname for field in SchemeYear._meta.concrete_fields]
        stored = SchemeYear.objects.filter(pk=instance.pk).values(*names).first()
        changed = [
            field.name
            for field in SchemeYear._meta.concrete_fields
            if stored is None or stored[field.attname] != getattr(instance, field.attname)
        ]
        try:
            scheme_year_save(scheme_year=instance, by=importing_user(kwargs), changed=changed)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc


class YearRowResource(ServiceRowResource):
    """A row of a year's configuration: ``ordning`` and ``år`` name the year, ``key_columns``
    the row within it, ``value_columns`` what it says. A column left out of the file keeps its
    value; a row whose key is new is added to the year."""

    scheme = fields.Field(attribute="scheme_year__scheme__code", column_name="ordning")
    year = fields.Field(attribute="scheme_year__year", column_name="år")

    #: model field → (column, parser, the parser's options): what identifies the row in its year
    key_columns: dict[str, tuple[str, Any, dict]] = {}
    #: model field → (column, parser, the parser's options): what the row says
    value_columns: dict[str, tuple[str, Any, dict]] = {}
    export_ordering: tuple[str, ...] = ()

    def get_queryset(self):
        return self._meta.model.objects.select_related("scheme_year__scheme")

    def filter_export(self, queryset, **kwargs):
        """The rows of the years chosen in the admin's list (all of them by default)."""
        if queryset.model is SchemeYear:
            queryset = self.get_queryset().filter(scheme_year__in=queryset)
        return queryset.select_related("scheme_year__scheme").order_by(
            "scheme_year__scheme__code", "scheme_year__year", *self.export_ordering
        )

    def before_import(self, dataset, **kwargs: Any) -> None:
        self._years = {
            (year.scheme.code, year.year): year
            for year in SchemeYear.objects.select_related("scheme")
        }
        self._rows = {
            (row.scheme_year_id, *(getattr(row, name) for name in self.key_columns)): row
            for row in self.get_queryset()
        }

    def row_read(self, row: dict, user: Any) -> RowPlan:
        errors = RowErrors()
        code = errors.read("ordning", row, parse_choice, choices=SchemeCode)
        number = errors.read("år", row, parse_int)
        year = self._years.get((code, number))
        if code and number and year is None:
            errors.add(
                "år",
                _("%(scheme)s has no configuration for %(year)s; create the year first.")
                % {"scheme": SchemeCode(code).label, "year": number},
            )
        key = {
            name: errors.read(column, row, parse, **options)
            for name, (column, parse, options) in self.key_columns.items()
        }
        values = {
            name: errors.read(column, row, parse, **options)
            for name, (column, parse, options) in self.value_columns.items()
            if column in row
        }
        errors.raise_if_any()
        found = self._rows.get((year.pk, *key.values()))
        if found is None:
            found = self._meta.model(scheme_year=year, **key)
            self._rows[(year.pk, *key.values())] = found
        unchanged = found.pk is not None and not values_differ(found, values)
        return RowPlan(instance=found, values=values, unchanged=unchanged)

    def row_write(self, plan: RowPlan, user: Any) -> models.Model:
        for name, value in plan.values.items():
            setattr(plan.instance, name, value)
        return year_row_save(row=plan.instance, by=user)

    def refusal_prefix(self, plan: RowPlan) -> str:
        return str(plan.instance.scheme_year)


def _optional_date(value: object) -> Any:
    return parse_date(value, required=False)


def _text(value: object, *, model: type[models.Model], name: str, required: bool = False) -> str:
    return parse_text(value, max_length=model._meta.get_field(name).max_length, required=required)


def _kind_or_none(value: object) -> str:
    return "" if not cell_text(value) else parse_choice(value, choices=FocusAreaKind)


class FocusAreaResource(YearRowResource):
    """A development round's focus areas, by number (``nummer``): their kind, names and
    descriptions in Bokmål and Nynorsk, who may apply, whether open (and why not), and the
    area's budget (``beløp``)."""

    number = fields.Field(attribute="number", column_name="nummer")
    kind = fields.Field(attribute="kind", column_name="type")
    name = fields.Field(attribute="name", column_name="navn")
    name_nn = fields.Field(attribute="name_nn", column_name="navn_nn")
    description = fields.Field(attribute="description", column_name="beskrivelse")
    description_nn = fields.Field(attribute="description_nn", column_name="beskrivelse_nn")
    open_to_municipalities = fields.Field(
        attribute="open_to_municipalities", column_name="kommuner", widget=YesNoWidget()
    )
    open_to_county_municipalities = fields.Field(
        attribute="open_to_county_municipalities",
        column_name="fylkeskommuner",
        widget=YesNoWidget(),
    )
    is_open = fields.Field(attribute="is_open", column_name="åpen", widget=YesNoWidget())
    closed_reason = fields.Field(attribute="closed_reason", column_name="lukket_grunn")
    closed_reason_nn = fields.Field(attribute="closed_reason_nn", column_name="lukket_grunn_nn")
    budget_amount = fields.Field(attribute="budget_amount", column_name="beløp")

    key_columns = {"number": ("nummer", parse_int, {})}
    value_columns = {
        "kind": ("type", _kind_or_none, {}),
        **{
            name: (column, _text, {"model": FocusArea, "name": name})
            for name, column in (
                ("name", "navn"),
                ("name_nn", "navn_nn"),
                ("description", "beskrivelse"),
                ("description_nn", "beskrivelse_nn"),
                ("closed_reason", "lukket_grunn"),
                ("closed_reason_nn", "lukket_grunn_nn"),
            )
        },
        "open_to_municipalities": ("kommuner", parse_bool, {}),
        "open_to_county_municipalities": ("fylkeskommuner", parse_bool, {}),
        "is_open": ("åpen", parse_bool, {}),
        "budget_amount": ("beløp", parse_decimal, {}),
    }
    export_ordering = ("number",)

    class Meta:
        model = FocusArea
        name = gettext_lazy("Focus areas of a year")
        fields = (
            "scheme",
            "year",
            "number",
            "kind",
            "name",
            "name_nn",
            "description",
            "description_nn",
            "open_to_municipalities",
            "open_to_county_municipalities",
            "is_open",
            "closed_reason",
            "closed_reason_nn",
            "budget_amount",
        )
        export_order = fields


class ReportDeadlineResource(YearRowResource):
    """A year's report deadlines, by the report (``rapport``: half_year, status, annual, or its
    name) and the start of its period (``periode_fra``; the reception grant has two half-yearly
    reports): the period's end and the due date (``frist``)."""

    kind = fields.Field(attribute="kind", column_name="rapport")
    period_start = fields.Field(
        attribute="period_start", column_name="periode_fra", widget=DateWidget("%Y-%m-%d")
    )
    period_end = fields.Field(
        attribute="period_end", column_name="periode_til", widget=DateWidget("%Y-%m-%d")
    )
    due_date = fields.Field(
        attribute="due_date", column_name="frist", widget=DateWidget("%Y-%m-%d")
    )

    key_columns = {
        "kind": ("rapport", parse_choice, {"choices": ReportKind}),
        "period_start": ("periode_fra", _optional_date, {}),
    }
    value_columns = {
        "period_end": ("periode_til", _optional_date, {}),
        "due_date": ("frist", parse_date, {}),
    }
    export_ordering = ("due_date", "kind", "period_start")

    class Meta:
        model = ReportDeadline
        name = gettext_lazy("Report deadlines of a year")
        fields = ("scheme", "year", "kind", "period_start", "period_end", "due_date")
        export_order = fields


class PaymentTermResource(YearRowResource):
    """A year's payment terms, by the term (``termin``: yearly, spring, autumn, or its name):
    the day it is paid (``utbetales``) and its share of the year's amount in per cent
    (``andel``)."""

    kind = fields.Field(attribute="kind", column_name="termin")
    pay_on = fields.Field(
        attribute="pay_on", column_name="utbetales", widget=DateWidget("%Y-%m-%d")
    )
    share_percent = fields.Field(attribute="share_percent", column_name="andel")

    key_columns = {"kind": ("termin", parse_choice, {"choices": TermKind})}
    value_columns = {
        "pay_on": ("utbetales", parse_date, {}),
        "share_percent": ("andel", parse_decimal, {"required": True}),
    }
    export_ordering = ("pay_on",)

    class Meta:
        model = PaymentTerm
        name = gettext_lazy("Payment terms of a year")
        fields = ("scheme", "year", "kind", "pay_on", "share_percent")
        export_order = fields
