"""Reads for the oversight pages: a scheme year's money, statuses and deadlines, and the
ministry's statistics.

Every figure is summed by the database: each table is one grouped query (sums over correlated
subqueries, so no join multiplies a row), and what Python adds up afterwards are those groups
(focus areas × counties), never the cases. A page costs the same few queries whether the year has
ten cases or ten thousand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.appeals.models import Appeal, AppealStatus
from applications.appeals.selectors import APPEAL_WINDOW_DAYS
from applications.appeals.services import received_on
from applications.assessment.models import DecisionKind, DecisionLetter
from applications.development.models import Application, FundingYear, ImpartialityDeclaration
from applications.development.models import Status as ApplicationStatus
from applications.reception.models import OfferStatus, PlaceCount, ReceptionOffer
from grants.models import (
    PAID_STATUSES,
    Grant,
    GrantLetter,
    GrantStatus,
    LetterStatus,
    Payment,
    PaymentStatus,
    PlannedYear,
    Reaction,
    ReactionKind,
    ReactionStatus,
    TermKind,
)
from imdi_grants.accounts.models import Organisation, User
from imdi_grants.audit.figures import change_mark, remembered
from imdi_grants.lib.deadlines import OSLO, appeal_deadline
from imdi_grants.lib.unions import union_arm
from reporting.models import Report, ReportStatus
from schemes.models import FocusArea, ReportKind, SchemeCode, SchemeYear

MONEY = DecimalField(max_digits=14, decimal_places=0)
ZERO = Decimal("0")

#: How far ahead the dashboard looks for deadlines.
HORIZON_DAYS = 30
#: The deadline lists show at most this many rows (soonest first); narrow by scheme and year.
DEADLINE_LIMIT = 500


def _sum(qs: QuerySet, expression: object, *, by: str) -> Coalesce:
    """The sum of ``expression`` over ``qs``, which is correlated to the outer row on ``by``;
    0 when there is nothing."""
    total = qs.order_by().values(by).annotate(total=Sum(expression)).values("total")
    return Coalesce(Subquery(total, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _planned_value() -> Case:
    """A later year of a multi-year project: its planned amount until the year is awarded,
    then that year's grant (nothing if it lapsed), as the frame counts it."""
    return Case(
        When(continued_as__isnull=True, then=F("amount")),
        When(continued_as__status=GrantStatus.LAPSED, then=Value(ZERO)),
        default=F("continued_as__amount"),
        output_field=MONEY,
    )


def scheme_years() -> list[SchemeYear]:
    """Every configured year of both schemes, newest first. One query."""
    return list(SchemeYear.objects.select_related("scheme").order_by("scheme__code", "-year"))


def planned_from_earlier(*, scheme_year: SchemeYear) -> Decimal:
    """The later years of earlier rounds' multi-year projects that fall on ``scheme_year`` and
    are not yet awarded (planned, subject to the appropriation; counted against its frame, as
    the assessment's frame page counts them). One query."""
    total = (
        PlannedYear.objects.filter(
            year=scheme_year.year,
            grant__scheme_year__scheme_id=scheme_year.scheme_id,
            grant__scheme_year__year__lt=scheme_year.year,
            continued_as__isnull=True,
        )
        .exclude(grant__status=GrantStatus.LAPSED)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or ZERO


def scheme_year_chosen(
    *, years: list[SchemeYear], scheme: str, year: int | None, today: dt.date
) -> SchemeYear | None:
    """The year asked for; else this year; else the scheme's newest (the development grant's
    unless another scheme is asked for)."""
    mine = [row for row in years if row.scheme.code == (scheme or SchemeCode.DEVELOPMENT)]
    for wanted in (year, today.year):
        for row in mine:
            if row.year == wanted:
                return row
    return mine[0] if mine else None


# --- The dashboard's money ---------------------------------------------------------------------


@dataclass
class Figures:
    """A scheme year's money for a group of grants, in whole kroner."""

    awarded: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    withheld: Decimal = ZERO
    reclaimed: Decimal = ZERO

    def add(self, row: dict) -> None:
        for name in MONEY_FIELDS:
            setattr(self, name, getattr(self, name) + (row[name] or ZERO))


MONEY_FIELDS = ("awarded", "committed", "paid", "withheld", "reclaimed")


@dataclass
class AreaFigures:
    """A focus area of the round, or (``focus_area`` None) the later years of earlier rounds'
    projects, which belong to no area of this round."""

    focus_area: FocusArea | None
    figures: Figures

    @property
    def label(self) -> str:
        if self.focus_area is None:
            return _("Later years of earlier rounds' projects")
        return str(self.focus_area)

    @property
    def short_label(self) -> str:
        if self.focus_area is None:
            return _("Earlier rounds")
        return _("Area %(number)s") % {"number": self.focus_area.number}

    @property
    def budget(self) -> Decimal | None:
        return None if self.focus_area is None else self.focus_area.budget_amount

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.figures.awarded


@dataclass
class CountyFigures:
    number: str
    name: str
    figures: Figures


def _is_development(scheme_year: SchemeYear) -> bool:
    return scheme_year.scheme.code == SchemeCode.DEVELOPMENT


def _county_name(ref: str) -> Subquery:
    return Subquery(
        Organisation.objects.filter(is_county_municipality=True, county_number=OuterRef(ref))
        .order_by("pk")
        .values("short_name")[:1],
        output_field=CharField(),
    )


def money_groups(*, scheme_year: SchemeYear) -> list[dict]:
    """The year's grants summed by focus area and county (one row per pair that has grants):
    awarded (the development grant: this round's award decisions, and the later years of
    earlier rounds' projects awarded for this year; the reception grant: the grants), committed
    for later years of this round's multi-year projects, paid (approved terms, net of
    withholding and set-off), withheld, and reclaimed (decided reclaims). A lapsed grant has
    awarded and committed nothing.

    One query: each table (grants, payments, reactions, planned years) is summed by area and
    county on its own, and the four grouped results come back as one union, which Python adds
    up by group. (A sum per grant by correlated subqueries, grouped afterwards, read every
    grant five times over.)"""
    live = ~Q(status=GrantStatus.LAPSED)
    development = _is_development(scheme_year)
    if development:
        awarded = Case(
            When(
                live
                & Q(
                    decision__kind=DecisionKind.AWARD,
                    decision__application__scheme_year=scheme_year,
                ),
                then=F("decision__amount"),
            ),
            When(live & Q(continues__isnull=False), then=F("amount")),
            default=Value(ZERO),
            output_field=MONEY,
        )
    else:
        awarded = Case(When(live, then=F("amount")), default=Value(ZERO), output_field=MONEY)

    def grouped(qs: QuerySet, grant: str, **sums: object) -> QuerySet:
        """``qs`` summed by the area and county of its grant (``grant`` the path to it), with
        a zero for each money column it does not sum, in MONEY_FIELDS' order."""
        # None for a later year of an earlier round's project: no area of this round.
        area = (
            F(f"{grant}decision__application__focus_area")
            if development
            else Value(None, output_field=IntegerField())
        )
        columns = {
            name: Sum(sums[name], output_field=MONEY) if name in sums else Value(ZERO, MONEY)
            for name in MONEY_FIELDS
        }
        return (
            qs.order_by()
            .values(o_area=area, o_county=F(f"{grant}organisation__county_number"))
            .annotate(**{f"m_{name}": value for name, value in columns.items()})
            .values_list("o_area", "o_county", *(f"m_{name}" for name in MONEY_FIELDS))
        )

    net = F("amount") - F("withheld") - F("set_off")
    parts = [
        grouped(Grant.objects.filter(scheme_year=scheme_year), "", awarded=awarded),
        grouped(
            Payment.objects.filter(grant__scheme_year=scheme_year),
            "grant__",
            paid=Case(When(status__in=PAID_STATUSES, then=net), default=Value(ZERO)),
            withheld=F("withheld"),
        ),
        grouped(
            Reaction.objects.filter(
                grant__scheme_year=scheme_year,
                kind=ReactionKind.RECLAIM,
                status=ReactionStatus.APPROVED,
            ),
            "grant__",
            reclaimed=F("amount"),
        ),
        grouped(
            PlannedYear.objects.filter(grant__scheme_year=scheme_year).exclude(
                grant__status=GrantStatus.LAPSED
            ),
            "grant__",
            committed=_planned_value(),
        ),
    ]
    first, *rest = parts
    names = dict(
        Organisation.objects.filter(is_county_municipality=True).values_list(
            "county_number", "short_name"
        )
    )
    groups: dict[tuple, dict] = {}
    for area, county, *money in first.union(*rest, all=True):
        row = groups.setdefault(
            (area, county),
            {
                "o_area": area,
                "o_county": county,
                "o_county_name": names.get(county),
                **{name: ZERO for name in MONEY_FIELDS},
            },
        )
        for name, value in zip(MONEY_FIELDS, money, strict=True):
            row[name] += value or ZERO
    return list(groups.values())


# --- Statuses ----------------------------------------------------------------------------------


@dataclass
class StatusCount:
    code: str
    label: str
    count: int


def status_counts(
    *, scheme_year: SchemeYear, mark: str | None = None
) -> tuple[list[StatusCount], list[StatusCount]]:
    """The year's cases by status (development-grant applications, or the reception grant's
    offers) and its grants by status, every status listed; one query (none while ``mark``
    stands)."""
    if _is_development(scheme_year):
        cases, choices = Application.objects.filter(scheme_year=scheme_year), ApplicationStatus
    else:
        cases, choices = ReceptionOffer.objects.filter(scheme_year=scheme_year), OfferStatus

    def counted(qs: QuerySet, what: str) -> QuerySet:
        return (
            qs.order_by()
            .annotate(o_what=Value(what, output_field=CharField()))
            .values("o_what", "status")
            .annotate(o_count=Count("pk"))
        )

    def count() -> dict[tuple[str, str], int]:
        return {
            (row["o_what"], row["status"]): row["o_count"]
            for row in counted(cases, "case").union(
                counted(Grant.objects.filter(scheme_year=scheme_year), "grant"), all=True
            )
        }

    found = (
        count()
        if mark is None
        else remembered("statuses", mark=mark, key=(scheme_year.pk,), compute=count)
    )
    return (
        [StatusCount(c.value, str(c.label), found.get(("case", c.value), 0)) for c in choices],
        [StatusCount(c.value, str(c.label), found.get(("grant", c.value), 0)) for c in GrantStatus],
    )


# --- Deadlines ---------------------------------------------------------------------------------

COLUMNS = ("o_kind", "o_due", "o_id", "o_case", "o_org", "o_detail", "o_opened")


def _deadline_rows(qs: QuerySet, *, kind: str, due: object, pk: object, **columns: object):
    """One part of the deadlines' union: the same columns, in the same order, from any model."""
    return union_arm(
        qs,
        o_kind=kind,
        o_due=due,
        o_id=pk,
        o_case=columns.get("case", F("grant__case_number")),
        o_org=columns.get("organisation", F("grant__organisation__name")),
        o_detail=columns.get("detail", ""),
        # A typed NULL: PostgreSQL takes an untyped one in a union for text.
        o_opened=columns.get("opened", Cast(Value(None), DateField())),
    )


def _without_conflict(qs: QuerySet, user: User, **refs: str) -> QuerySet:
    """Leave out the development cases where ``user`` declared a conflict of interest (they
    are out of those cases everywhere): ``application=`` names the outer application,
    ``grant=`` the outer grant (a later year's grant through its project's first)."""
    declared = ImpartialityDeclaration.objects.filter(user=user, has_conflict=True)
    match = Q()
    if "application" in refs:
        match |= Q(application=OuterRef(refs["application"]))
    if "grant" in refs:
        grant = OuterRef(refs["grant"])
        match |= Q(application__decision__grant=grant)
        match |= Q(application__decision__grant__planned_years__continued_as=grant)
    return qs.exclude(Exists(declared.filter(match)))


@dataclass
class Deadline:
    kind: str
    due: dt.date
    label: str
    case_number: str
    organisation: str
    url: str


KIND_LABELS = {
    "acceptance": lambda: _("Grant letter to be accepted"),
    "report": lambda: _("Report due"),
    "payment": lambda: _("Payment term due"),
    "dismissal_appeal": lambda: _("Appeal period for a dismissal ends"),
    "reaction_appeal": lambda: _("Appeal period for a withholding or reclaim ends"),
    "appeal_waiting": lambda: _("Appeal waiting for IMDi"),
}

DETAIL_LABELS = {
    "report": ReportKind,
    "payment": TermKind,
    "reaction_appeal": ReactionKind,
}


def _url(kind: str, pk: int) -> str:
    if kind == "report":
        return reverse("reporting:report_detail", args=[pk])
    if kind == "dismissal_appeal":
        return reverse("assessment:case", args=[pk])
    if kind == "reaction_appeal":
        return reverse("grants:grant_money", args=[pk])
    if kind == "appeal_waiting":
        return reverse("appeals:detail", args=[pk])
    return reverse("grants:grant_detail", args=[pk])


@dataclass
class Deadlines:
    overdue: list[Deadline] = field(default_factory=list)
    upcoming: list[Deadline] = field(default_factory=list)
    appeals_waiting: list[Deadline] = field(default_factory=list)
    truncated: bool = False


def deadlines(*, scheme_year: SchemeYear, user: User, today: dt.date) -> Deadlines:
    """What is overdue and what falls due in the next 30 days on the year's cases, soonest
    first, each with a link to its case: grant letters to accept, reports to submit, payment
    terms of accepted grants not yet paid, appeal periods of dismissals and reactions running
    out; and the appeals waiting for IMDi. One query (a union); staff with a declared conflict
    of interest do not see those cases here either."""
    horizon = today + dt.timedelta(days=HORIZON_DAYS)
    sent_since = today - dt.timedelta(days=APPEAL_WINDOW_DAYS)
    development = _is_development(scheme_year)

    def guarded(qs: QuerySet, **refs: str) -> QuerySet:
        return _without_conflict(qs, user, **refs) if development else qs

    parts = [
        _deadline_rows(
            guarded(
                GrantLetter.objects.filter(
                    grant__scheme_year=scheme_year,
                    status=LetterStatus.AWAITING,
                    acceptance_deadline__lte=horizon,
                ),
                grant="grant",
            ),
            kind="acceptance",
            due=F("acceptance_deadline"),
            pk=F("grant_id"),
        ),
        _deadline_rows(
            guarded(
                Report.objects.filter(
                    grant__scheme_year=scheme_year,
                    status__in=[ReportStatus.DUE, ReportStatus.RETURNED],
                    due_date__lte=horizon,
                ),
                grant="grant",
            ),
            kind="report",
            due=F("due_date"),
            pk=F("pk"),
            detail=F("kind"),
        ),
        _deadline_rows(
            guarded(
                Payment.objects.filter(
                    grant__scheme_year=scheme_year,
                    grant__status=GrantStatus.ACCEPTED,
                    status__in=[PaymentStatus.PLANNED, PaymentStatus.PROPOSED],
                    due_on__lte=horizon,
                ),
                grant="grant",
            ),
            kind="payment",
            due=F("due_on"),
            pk=F("grant_id"),
            detail=F("term"),
        ),
    ]
    if development:
        parts += [
            _deadline_rows(
                guarded(
                    DecisionLetter.objects.filter(
                        decision__kind=DecisionKind.DISMISSAL,
                        decision__application__scheme_year=scheme_year,
                        sent_on__gte=sent_since,
                    ).exclude(Exists(Appeal.objects.filter(decision=OuterRef("decision")))),
                    application="decision__application",
                ),
                kind="dismissal_appeal",
                due=F("sent_on"),
                pk=F("decision__application_id"),
                case=F("decision__application__case_number"),
                organisation=F("decision__application__organisation__name"),
                opened=F("opened_on"),
            ),
            _deadline_rows(
                guarded(
                    Reaction.objects.filter(
                        grant__scheme_year=scheme_year,
                        status=ReactionStatus.APPROVED,
                        sent_on__gte=sent_since,
                    ).exclude(Exists(Appeal.objects.filter(reaction=OuterRef("pk")))),
                    grant="grant",
                ),
                kind="reaction_appeal",
                due=F("sent_on"),
                pk=F("grant_id"),
                detail=F("kind"),
                opened=F("opened_on"),
            ),
            _deadline_rows(
                guarded(
                    Appeal.objects.filter(status=AppealStatus.LODGED).filter(
                        Q(decision__application__scheme_year=scheme_year)
                        | Q(reaction__grant__scheme_year=scheme_year)
                    ),
                    application="decision__application",
                    grant="reaction__grant",
                ),
                kind="appeal_waiting",
                due=TruncDate("lodged_at", tzinfo=OSLO),
                pk=F("pk"),
                case=Coalesce(
                    F("decision__application__case_number"), F("reaction__grant__case_number")
                ),
                organisation=F("organisation__name"),
            ),
        ]
    first, *rest = parts
    rows = list(first.union(*rest, all=True).order_by("o_due", "o_case")[: DEADLINE_LIMIT + 1])
    found = Deadlines(truncated=len(rows) > DEADLINE_LIMIT)
    for row in rows[:DEADLINE_LIMIT]:
        kind, due = row["o_kind"], row["o_due"]
        if kind in ("dismissal_appeal", "reaction_appeal"):
            due = appeal_deadline(received_on(sent_on=due, opened_on=row["o_opened"]))
            if not today <= due <= horizon:
                continue
        label = KIND_LABELS[kind]()
        if row["o_detail"] and kind in DETAIL_LABELS:
            label = f"{label}: {DETAIL_LABELS[kind](row['o_detail']).label}"
        deadline = Deadline(
            kind=kind,
            due=due,
            label=label,
            case_number=row["o_case"] or "",
            organisation=row["o_org"] or "",
            url=_url(kind, row["o_id"]),
        )
        if kind == "appeal_waiting":
            found.appeals_waiting.append(deadline)
        elif due < today:
            found.overdue.append(deadline)
        else:
            found.upcoming.append(deadline)
    found.upcoming.sort(key=lambda d: (d.due, d.case_number))
    return found


# --- The dashboard -----------------------------------------------------------------------------


@dataclass
class Dashboard:
    scheme_year: SchemeYear
    totals: Figures
    areas: list[AreaFigures]
    counties: list[CountyFigures]
    case_statuses: list[StatusCount]
    grant_statuses: list[StatusCount]
    deadlines: Deadlines
    planned: Decimal = ZERO

    @property
    def is_development(self) -> bool:
        return _is_development(self.scheme_year)

    @property
    def frame(self) -> Decimal | None:
        return self.scheme_year.budget_frame

    @property
    def planned_from_earlier(self) -> Decimal:
        """Later years of earlier rounds' projects that fall on this year and are not yet
        awarded: the frame counts them already."""
        return self.planned

    @property
    def remaining(self) -> Decimal | None:
        """The frame less what is awarded on it and what earlier rounds have planned on it
        (what the assessment's frame page calls used)."""
        if self.frame is None:
            return None
        return self.frame - self.totals.awarded - self.planned_from_earlier


def dashboard(*, scheme_year: SchemeYear, user: User, today: dt.date) -> Dashboard:
    """The scheme year at a glance; ``scheme_year`` from ``scheme_years()`` (it carries what
    earlier rounds planned on it). A handful of queries whatever the year holds; the sums are
    kept between requests until something changes (``remembered``)."""
    mark = change_mark()
    groups = remembered(
        "money",
        mark=mark,
        key=(scheme_year.pk,),
        compute=lambda: money_groups(scheme_year=scheme_year),
    )
    totals = Figures()
    by_area: dict[int | None, Figures] = {}
    by_county: dict[str, CountyFigures] = {}
    for row in groups:
        totals.add(row)
        by_area.setdefault(row["o_area"], Figures()).add(row)
        number = row["o_county"] or ""
        county = by_county.setdefault(
            number,
            CountyFigures(number=number, name=row["o_county_name"] or number, figures=Figures()),
        )
        county.figures.add(row)
    areas = []
    if _is_development(scheme_year):
        areas = [
            AreaFigures(focus_area=area, figures=by_area.get(area.pk, Figures()))
            for area in FocusArea.objects.filter(scheme_year=scheme_year).order_by("number")
        ]
        if None in by_area:
            areas.append(AreaFigures(focus_area=None, figures=by_area[None]))
    case_statuses, grant_statuses = status_counts(scheme_year=scheme_year, mark=mark)
    planned = ZERO
    if _is_development(scheme_year):
        planned = remembered(
            "planned",
            mark=mark,
            key=(scheme_year.pk,),
            compute=lambda: planned_from_earlier(scheme_year=scheme_year),
        )
    return Dashboard(
        scheme_year=scheme_year,
        totals=totals,
        areas=areas,
        counties=sorted(by_county.values(), key=lambda c: c.number),
        case_statuses=case_statuses,
        grant_statuses=grant_statuses,
        deadlines=deadlines(scheme_year=scheme_year, user=user, today=today),
        planned=planned,
    )


# --- Statistics for the ministry ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # count, money or share (per cent)


@dataclass
class StatRow:
    label: str
    values: dict[str, object]
    is_total: bool = False


@dataclass
class StatTable:
    key: str
    title: str
    group_label: str
    columns: list[Column]
    rows: list[StatRow]
    note: str = ""

    @property
    def lines(self) -> list[tuple[StatRow, list[tuple[Column, object]]]]:
        """Each row with its value in each column, for the page."""
        return [(row, [(c, row.values.get(c.key)) for c in self.columns]) for row in self.rows]


def _total(rows: list[StatRow], columns: list[Column]) -> StatRow:
    values: dict[str, object] = {}
    for column in columns:
        if column.kind != "share":
            values[column.key] = sum((row.values[column.key] or 0 for row in rows), 0)
    return StatRow(label=_("Total"), values=values, is_total=True)


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _development_columns() -> list[Column]:
    return [
        Column("applications", _("Applications")),
        Column("awards", _("Awards")),
        Column("refusals", _("Refusals")),
        Column("dismissals", _("Dismissals")),
        Column("applied", _("Applied for (first year)"), "money"),
        Column("awarded", _("Awarded"), "money"),
        Column("participants_planned", _("Participants planned (awarded projects)")),
        Column("participants_reported", _("Participants reported")),
    ]


def _latest_participants(grant_ref: str) -> Subquery:
    """The participants in the grant's latest report submitted (or approved)."""
    return Subquery(
        Report.objects.filter(
            grant=OuterRef(grant_ref),
            status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED],
            participants__isnull=False,
        )
        .order_by("-period_end", "-pk")
        .values("participants")[:1],
        output_field=IntegerField(),
    )


def development_groups(*, scheme_year: SchemeYear) -> list[dict]:
    """The round's applications (every one submitted) by focus area and county: how many,
    awarded, refused and dismissed; applied for in the first year and awarded; participants
    planned in the awarded projects and reported in their grants' latest report. A grant that
    lapsed is no award. One query."""
    awarded = Q(status=ApplicationStatus.AWARDED, decision__kind=DecisionKind.AWARD) & ~Q(
        decision__grant__status=GrantStatus.LAPSED
    )
    applied = Subquery(
        FundingYear.objects.filter(application=OuterRef("pk"), year_number=1).values(
            "amount_applied"
        )[:1],
        output_field=MONEY,
    )
    return list(
        Application.objects.filter(scheme_year=scheme_year, case_number__isnull=False)
        .annotate(
            o_applied=Coalesce(applied, Value(ZERO), output_field=MONEY),
            o_reported=Coalesce(_latest_participants("decision__grant"), Value(0)),
            o_county_name=_county_name("organisation__county_number"),
        )
        .values("focus_area", "organisation__county_number", "o_county_name")
        .annotate(
            applications=Count("pk"),
            awards=Count("pk", filter=awarded),
            refusals=Count("pk", filter=Q(status=ApplicationStatus.REFUSED)),
            dismissals=Count("pk", filter=Q(status=ApplicationStatus.DISMISSED)),
            applied=Sum("o_applied"),
            awarded=Coalesce(Sum("decision__amount", filter=awarded), Value(ZERO)),
            participants_planned=Coalesce(Sum("participants", filter=awarded), Value(0)),
            participants_reported=Coalesce(Sum("o_reported", filter=awarded), Value(0)),
        )
        .order_by()
    )


def _development_tables(scheme_year: SchemeYear, mark: str) -> list[StatTable]:
    columns = _development_columns()
    keys = [c.key for c in columns]
    by_area: dict[int, dict[str, object]] = {}
    by_county: dict[str, tuple[str, dict[str, object]]] = {}
    for row in remembered(
        "development",
        mark=mark,
        key=(scheme_year.pk,),
        compute=lambda: development_groups(scheme_year=scheme_year),
    ):
        area = by_area.setdefault(row["focus_area"], dict.fromkeys(keys, 0))
        number = row["organisation__county_number"] or ""
        _name, county = by_county.setdefault(
            number, (row["o_county_name"] or number, dict.fromkeys(keys, 0))
        )
        for key in keys:
            area[key] += row[key] or 0
            county[key] += row[key] or 0
    area_rows = [
        StatRow(label=str(area), values=by_area.get(area.pk, dict.fromkeys(keys, 0)))
        for area in FocusArea.objects.filter(scheme_year=scheme_year).order_by("number")
    ]
    county_rows = [
        StatRow(label=name, values=values) for _number, (name, values) in sorted(by_county.items())
    ]
    return [
        StatTable(
            key="focus_area",
            title=_("By focus area"),
            group_label=_("Focus area"),
            columns=columns,
            rows=[*area_rows, _total(area_rows, columns)],
        ),
        StatTable(
            key="county",
            title=_("By county"),
            group_label=_("County"),
            columns=columns,
            rows=[*county_rows, _total(county_rows, columns)],
        ),
    ]


def reception_rows(*, scheme_year: SchemeYear) -> list[dict]:
    """Each municipality offered the reception grant in the year: its places (the last count
    in force in the year), the grant (none if it lapsed), what is paid, and the participants
    in its latest report. One query, one row per municipality."""
    last_day = dt.date(scheme_year.year, 12, 31)
    return list(
        ReceptionOffer.objects.filter(scheme_year=scheme_year)
        .annotate(
            o_places=Coalesce(
                Subquery(
                    PlaceCount.objects.filter(
                        agreement=OuterRef("agreement"), valid_from__lte=last_day
                    )
                    .order_by("-valid_from")
                    .values("places")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            o_awarded=Case(
                When(
                    Q(grant__isnull=False) & ~Q(grant__status=GrantStatus.LAPSED),
                    then=F("grant__amount"),
                ),
                default=Value(ZERO),
                output_field=MONEY,
            ),
            o_paid=_sum(
                Payment.objects.filter(grant=OuterRef("grant"), status__in=PAID_STATUSES),
                F("amount") - F("withheld") - F("set_off"),
                by="grant",
            ),
            o_reported=Coalesce(_latest_participants("grant"), Value(0)),
        )
        .values(
            "organisation__name",
            "organisation__municipality_number",
            "o_places",
            "o_awarded",
            "o_paid",
            "o_reported",
        )
        .order_by("organisation__name", "pk")
    )


def _reception_tables(scheme_year: SchemeYear, mark: str) -> list[StatTable]:
    columns = [
        Column("places", _("Places")),
        Column("awarded", _("Awarded"), "money"),
        Column("paid", _("Paid"), "money"),
        Column("participants_reported", _("Participants reported")),
    ]
    rows = [
        StatRow(
            label=f"{row['organisation__name']} ({row['organisation__municipality_number']})"
            if row["organisation__municipality_number"]
            else row["organisation__name"],
            values={
                "places": row["o_places"],
                "awarded": row["o_awarded"],
                "paid": row["o_paid"],
                "participants_reported": row["o_reported"],
            },
        )
        for row in remembered(
            "reception",
            mark=mark,
            key=(scheme_year.pk,),
            compute=lambda: reception_rows(scheme_year=scheme_year),
        )
    ]
    return [
        StatTable(
            key="municipality",
            title=_("Places and amounts per municipality"),
            group_label=_("Municipality"),
            columns=columns,
            rows=[*rows, _total(rows, columns)],
            note=_("Places: the last count in force in the year."),
        )
    ]


def report_timeliness(*, scheme_year: SchemeYear, today: dt.date) -> list[dict]:
    """The year's reports whose deadline has passed or that are submitted, by kind: how many,
    how many submitted, and how many submitted on or before the due date (the day of the last
    submission in Oslo). One query."""
    return list(
        Report.objects.filter(grant__scheme_year=scheme_year)
        .filter(Q(due_date__lt=today) | Q(submitted_at__isnull=False))
        .annotate(o_submitted_on=TruncDate("submitted_at", tzinfo=OSLO))
        .values("kind")
        .annotate(
            due=Count("pk"),
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            on_time=Count("pk", filter=Q(o_submitted_on__lte=F("due_date"))),
        )
        .order_by()
    )


def _report_table(scheme_year: SchemeYear, today: dt.date, mark: str) -> StatTable:
    columns = [
        Column("reports", _("Reports due so far")),
        Column("submitted", _("Submitted")),
        Column("on_time", _("Submitted on time")),
        Column("share_on_time", _("Share on time (%)"), "share"),
    ]
    rows = remembered(
        "reports",
        mark=mark,
        key=(scheme_year.pk, today),
        compute=lambda: report_timeliness(scheme_year=scheme_year, today=today),
    )
    found = {row["kind"]: row for row in rows}
    rows = []
    for kind in ReportKind:
        row = found.get(kind.value)
        if row is None:
            continue
        rows.append(
            StatRow(
                label=str(kind.label),
                values={
                    "reports": row["due"],
                    "submitted": row["submitted"],
                    "on_time": row["on_time"],
                    "share_on_time": _share(row["on_time"], row["due"]),
                },
            )
        )
    total = _total(rows, columns)
    total.values["share_on_time"] = _share(total.values["on_time"], total.values["reports"])
    return StatTable(
        key="reports",
        title=_("Reports submitted on time"),
        group_label=_("Report"),
        columns=columns,
        rows=[*rows, total],
        note=_(
            "Reports whose due date has passed or that are submitted; on time: submitted "
            "(the last time, Norwegian time) on or before the due date."
        ),
    )


def statistics(*, scheme_year: SchemeYear, today: dt.date) -> list[StatTable]:
    """The ministry's figures for a scheme year, as tables the page shows and the export
    writes alike. At most five queries whatever the year holds; the sums are kept between
    requests until something changes (``remembered``)."""
    mark = change_mark()
    if _is_development(scheme_year):
        tables = _development_tables(scheme_year, mark)
    else:
        tables = _reception_tables(scheme_year, mark)
    return [*tables, _report_table(scheme_year, today, mark)]
