"""Reads of the yearly configuration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imdi_grants.accounts.models import Organisation
from imdi_grants.lib.deadlines import today_in_oslo
from imdi_grants.lib.money import format_nok

from .models import (
    SCHEME_YEAR_COPIED_FIELDS,
    SCHEME_YEAR_DATE_FIELDS,
    BasicAmount,
    FocusArea,
    PaymentTerm,
    ReportDeadline,
    SchemeCode,
    SchemeYear,
    is_calendar_date,
    shift_years,
    year_row_fields,
)


def scheme_year_get(*, scheme_code: str, year: int) -> SchemeYear | None:
    return (
        SchemeYear.objects.select_related("scheme")
        .filter(scheme__code=scheme_code, year=year)
        .first()
    )


def rounds_open(*, on: dt.date | None = None) -> QuerySet[SchemeYear]:
    """Development-grant rounds that take applications on ``on`` (default: today in Oslo); a
    year still under review (not published) is no round."""
    day = on or today_in_oslo()
    return (
        SchemeYear.objects.select_related("scheme")
        .filter(scheme__code=SchemeCode.DEVELOPMENT, application_deadline__gte=day)
        .filter(published_at__isnull=False)
        .filter(Q(application_opens_on__isnull=True) | Q(application_opens_on__lte=day))
        .prefetch_related(Prefetch("focus_areas", queryset=FocusArea.objects.order_by("number")))
        .order_by("application_deadline")
    )


def basic_amount_on(*, on: dt.date) -> Decimal:
    """G in force on a date; raises LookupError when none is configured that early."""
    basic = BasicAmount.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    if basic is None:
        raise LookupError(f"No basic amount (G) configured on {on}")
    return basic.amount


def focus_area_is_open_to(focus_area: FocusArea, organisation: Organisation) -> bool:
    """Whether an organisation may apply under a focus area (area 4: county municipalities only;
    areas 1, 2, 5: municipalities; a closed area, or a year not yet published: nobody)."""
    if not focus_area.is_open or not focus_area.scheme_year.is_published:
        return False
    return (focus_area.open_to_municipalities and organisation.is_municipality) or (
        focus_area.open_to_county_municipalities and organisation.is_county_municipality
    )


def focus_areas_open_to(*, scheme_year: SchemeYear, organisation: Organisation) -> list[FocusArea]:
    return [
        area
        for area in scheme_year.focus_areas.all()  # prefetched by rounds_open, in number order
        if focus_area_is_open_to(area, organisation)
    ]


def scheme_years_overview() -> QuerySet[SchemeYear]:
    return SchemeYear.objects.select_related("scheme").order_by("scheme__code", "-year")


def scheme_year_with_rows(*, pk: int) -> SchemeYear | None:
    """A year with its report deadlines, payment terms and focus areas, for its page."""
    return (
        SchemeYear.objects.select_related("scheme", "published_by")
        .prefetch_related(
            Prefetch("report_deadlines", queryset=ReportDeadline.objects.order_by("due_date")),
            Prefetch("payment_terms", queryset=PaymentTerm.objects.order_by("pay_on")),
            Prefetch("focus_areas", queryset=FocusArea.objects.order_by("number")),
        )
        .filter(pk=pk)
        .first()
    )


def scheme_year_neighbour(*, year: SchemeYear, offset: int) -> SchemeYear | None:
    """The same scheme's year before (``offset=-1``) or after (``offset=1``), if configured."""
    return (
        SchemeYear.objects.select_related("scheme")
        .filter(scheme_id=year.scheme_id, year=year.year + offset)
        .first()
    )


class Change(models.TextChoices):
    CHANGED = "changed", gettext_lazy("Changed")
    ADDED = "added", gettext_lazy("Added")
    REMOVED = "removed", gettext_lazy("Removed")


@dataclass(frozen=True)
class Difference:
    """One way a year differs from the year before it, beyond its dates moving on a year."""

    part: str  # what it is about: the year, "Focus area 2", "Spring term", ...
    field: str  # the field's label; empty when a whole row was added or removed
    previous: str
    current: str
    change: Change
    key: str  # the same, for the audit trail: "focus_area:2.description_nn"

    @property
    def change_label(self) -> str:
        return str(self.change.label)


MONEY_FIELDS = frozenset({"rate_per_place_per_month", "budget_frame", "budget_amount"})


def _shown(field: models.Field, value: object) -> str:
    """A configured value as the review page shows it."""
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, Decimal):
        if field.name in MONEY_FIELDS:
            return format_nok(value)
        return f"{value.normalize():f}".replace(".", ",")
    return str(value)


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class YearShown:
    """A year's configuration as its page shows it, every label the model's own."""

    values: list[tuple[str, str]]
    report_deadlines: Table
    payment_terms: Table
    focus_areas: list[tuple[str, list[tuple[str, str]]]]


def _table(model: type[models.Model], rows: Iterable[models.Model]) -> Table:
    fields = year_row_fields(model)
    return Table(
        headers=[str(field.verbose_name) for field in fields],
        rows=[[_shown(field, getattr(row, field.name)) for field in fields] for row in rows],
    )


def scheme_year_shown(*, year: SchemeYear) -> YearShown:
    """Everything configured on ``year`` (rows from ``scheme_year_with_rows``' prefetch)."""
    meta = SchemeYear._meta
    area_fields = [f for f in year_row_fields(FocusArea) if f.name != "number"]
    return YearShown(
        values=[
            (
                str(meta.get_field(name).verbose_name),
                _shown(meta.get_field(name), getattr(year, name)),
            )
            for name in SCHEME_YEAR_COPIED_FIELDS + SCHEME_YEAR_DATE_FIELDS
        ],
        report_deadlines=_table(ReportDeadline, year.report_deadlines.all()),
        payment_terms=_table(PaymentTerm, year.payment_terms.all()),
        focus_areas=[
            (
                _row_label(area),
                [(str(f.verbose_name), _shown(f, getattr(area, f.name))) for f in area_fields],
            )
            for area in year.focus_areas.all()
        ],
    )


def _field_differences(
    *,
    part: str,
    key: str,
    fields: Iterable[models.Field],
    previous: models.Model,
    current: models.Model,
    years: int,
) -> list[Difference]:
    """The fields whose value is not last year's, a date counting as unchanged when it is
    last year's date moved on by ``years``."""
    found = []
    for field in fields:
        old, new = getattr(previous, field.name), getattr(current, field.name)
        expected = shift_years(old, years) if is_calendar_date(field) else old
        if new != expected:
            found.append(
                Difference(
                    part=part,
                    field=str(field.verbose_name),
                    previous=_shown(field, old),
                    current=_shown(field, new),
                    change=Change.CHANGED,
                    key=f"{key}.{field.name}",
                )
            )
    return found


def _row_label(row: models.Model) -> str:
    if isinstance(row, FocusArea):
        return _("Focus area %(number)s") % {"number": row.number}
    if isinstance(row, ReportDeadline):
        return str(row)  # the kind and its due date: the reception grant has two half-yearly
    return str(row.get_kind_display())  # type: ignore[attr-defined]


def _row_summary(row: models.Model) -> str:
    if isinstance(row, FocusArea):
        return row.name
    return str(row)


def _keyed_rows(
    rows: Iterable[models.Model], key: Callable[[models.Model], Hashable]
) -> dict[Hashable, models.Model]:
    """Rows by what identifies them from one year to the next; a report deadline by its kind
    and its place among the deadlines of that kind (the reception grant has two half-yearly)."""
    keyed: dict[Hashable, models.Model] = {}
    seen: dict[Hashable, int] = {}
    for row in rows:
        base = key(row)
        seen[base] = seen.get(base, 0) + 1
        keyed[(base, seen[base])] = row
    return keyed


#: The rows of a year, how a row is recognised from one year to the next, and its audit name.
YEAR_ROWS: tuple[
    tuple[str, type[models.Model], str, str, Callable[[models.Model], Hashable]], ...
] = (
    ("report_deadlines", ReportDeadline, "due_date", "report_deadline", lambda r: r.kind),
    ("payment_terms", PaymentTerm, "pay_on", "payment_term", lambda r: r.kind),
    ("focus_areas", FocusArea, "number", "focus_area", lambda r: r.number),
)


def scheme_year_differences(*, year: SchemeYear) -> list[Difference]:
    """Everything in ``year`` that is not the year before carried forward: each value of the
    year, its report deadlines, payment terms and focus areas (texts in Bokmål and Nynorsk,
    budgets) that changed, with the rows added or removed. Dates moved on by exactly the years
    between are no difference. Empty when there is no year before to compare with."""
    previous = scheme_year_neighbour(year=year, offset=-1)
    if previous is None:
        return []
    years = year.year - previous.year
    meta = SchemeYear._meta
    found = _field_differences(
        part=_("The year"),
        key="year",
        fields=[
            meta.get_field(name) for name in SCHEME_YEAR_COPIED_FIELDS + SCHEME_YEAR_DATE_FIELDS
        ],
        previous=previous,
        current=year,
        years=years,
    )
    for related, model, order, name, key in YEAR_ROWS:
        fields = year_row_fields(model)
        old_rows = _keyed_rows(getattr(previous, related).order_by(order), key)
        new_rows = _keyed_rows(getattr(year, related).order_by(order), key)
        for row_key in [*new_rows, *(k for k in old_rows if k not in new_rows)]:
            (base, place) = row_key  # type: ignore[misc]
            audit_key = f"{name}:{base}" + (f"#{place}" if place > 1 else "")
            old, new = old_rows.get(row_key), new_rows.get(row_key)
            if old is not None and new is not None:
                found += _field_differences(
                    part=_row_label(new),
                    key=audit_key,
                    fields=fields,
                    previous=old,
                    current=new,
                    years=years,
                )
            else:
                row = new if new is not None else old
                found.append(
                    Difference(
                        part=_row_label(row),
                        field="",
                        previous=_row_summary(old) if old is not None else "–",
                        current=_row_summary(new) if new is not None else "–",
                        change=Change.ADDED if new is not None else Change.REMOVED,
                        key=audit_key,
                    )
                )
    return found


def _missing_nynorsk(part: str, obj: models.Model, *pairs: tuple[str, str]) -> list[str]:
    return [
        _("%(part)s: “%(field)s” is given in Bokmål but not in Nynorsk.")
        % {"part": part, "field": obj._meta.get_field(nb).verbose_name}
        for nb, nn in pairs
        if getattr(obj, nb) and not getattr(obj, nn)
    ]


def scheme_year_problems(*, year: SchemeYear) -> list[str]:
    """What obviously keeps a year from being published: what a round, a letter or a payment
    of the scheme needs and the year does not have yet. Empty: it may be published."""
    problems = []
    if not year.budget_authority_name.strip():
        problems.append(_("Name the person with budget authority who signs the year's letters."))
    areas = list(year.focus_areas.order_by("number"))
    if year.scheme.code == SchemeCode.DEVELOPMENT:
        if year.application_deadline is None:
            problems.append(_("Set the application deadline."))
        if year.budget_frame is None:
            problems.append(_("Set the round's budget frame."))
        if not any(area.is_open for area in areas):
            problems.append(_("Add the round's focus areas: none is open to applicants."))
    if year.scheme.code == SchemeCode.RECEPTION and year.rate_per_place_per_month is None:
        problems.append(_("Set the rate per place per month."))
    if (
        year.application_opens_on
        and year.application_deadline
        and year.application_opens_on > year.application_deadline
    ):
        problems.append(_("The round cannot open after its deadline."))
    budgets = sum((a.budget_amount for a in areas if a.budget_amount is not None), Decimal("0"))
    if year.budget_frame is not None and budgets > year.budget_frame:
        problems.append(
            _(
                "The focus areas' budgets add up to %(total)s kr, more than the round's frame of "
                "%(frame)s kr."
            )
            % {
                "total": f"{budgets:,.0f}".replace(",", "\u00a0"),
                "frame": f"{year.budget_frame:,.0f}".replace(",", "\u00a0"),
            }
        )
    if not year.report_deadlines.exists():
        problems.append(_("Add the report deadlines."))
    shares = [term.share_percent for term in year.payment_terms.all()]
    if not shares:
        problems.append(_("Add the payment terms."))
    elif sum(shares, Decimal("0")) != Decimal("100"):
        problems.append(
            _("The payment terms' shares add up to %(total)s %%, not 100 %%.")
            % {"total": f"{sum(shares, Decimal('0')).normalize():f}".replace(".", ",")}
        )
    problems += _missing_nynorsk(str(year.scheme), year.scheme, ("name", "name_nn"))
    for area in areas:
        problems += _missing_nynorsk(
            _("Focus area %(number)s") % {"number": area.number},
            area,
            ("name", "name_nn"),
            ("description", "description_nn"),
            ("closed_reason", "closed_reason_nn"),
        )
    return problems
