"""Reads of the assessment: the queue, one case, the ranking of an area and the frame.

Lists load in a fixed number of queries whatever their length: figures come from stored totals
(``Assessment``) and annotations, related rows from ``select_related``/``prefetch_related``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from applications.development.models import (
    Application,
    FundingYear,
    ImpartialityDeclaration,
    Status,
)
from grants.models import GrantStatus, PlannedYear
from imdi_grants.accounts.models import User
from imdi_grants.audit.figures import change_mark, remembered
from schemes.models import FocusArea, SchemeCode, SchemeYear

from . import access
from .models import (
    AreaAllocation,
    Assignment,
    BudgetTransfer,
    Decision,
    DecisionKind,
    DecisionLetter,
    Score,
)


def amount_applied_first_year(*, application: Application) -> Decimal:
    row = FundingYear.objects.filter(application=application, year_number=1).first()
    return row.amount_applied if row else Decimal("0")


def _awarded(scheme_year: SchemeYear, **filters: object) -> Decimal:
    """What is awarded on a round's first-year decisions (grants not lapsed)."""
    total = (
        Decision.objects.filter(
            kind=DecisionKind.AWARD, application__scheme_year=scheme_year, **filters
        )
        .exclude(grant__status=GrantStatus.LAPSED)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or Decimal("0")


def committed_from_earlier_rounds(*, scheme_year: SchemeYear) -> Decimal:
    """Later years of multi-year projects awarded in earlier rounds, counted against this
    year's frame: the planned amount (conditional on the appropriation) until the year is
    awarded, then that year's grant (unless it lapsed)."""
    later_year = Case(
        When(continued_as__isnull=True, then=F("amount")),
        When(~Q(continued_as__status=GrantStatus.LAPSED), then=F("continued_as__amount")),
        default=Value(Decimal("0")),
        output_field=DecimalField(max_digits=12, decimal_places=0),
    )
    total = (
        PlannedYear.objects.filter(
            year=scheme_year.year,
            grant__scheme_year__scheme_id=scheme_year.scheme_id,  # no query for the scheme
            grant__scheme_year__year__lt=scheme_year.year,
        )
        .exclude(grant__status=GrantStatus.LAPSED)
        .aggregate(total=Sum(later_year))["total"]
    )
    return total or Decimal("0")


def frame_used(*, scheme_year: SchemeYear) -> Decimal:
    return _awarded(scheme_year) + committed_from_earlier_rounds(scheme_year=scheme_year)


def area_awarded(*, focus_area: FocusArea) -> Decimal:
    return _awarded(focus_area.scheme_year, application__focus_area=focus_area)


def later_years_applied(*, application: Application) -> list[tuple[int, Decimal]]:
    """The project's later years by calendar year, with the amount applied for each."""
    first = application.scheme_year.year
    return [
        (first + row.year_number - 1, row.amount_applied)
        for row in application.funding_years.all()
        if 1 < row.year_number <= (application.project_years or 1)
    ]


#: The queue's sort keys, as the URL names them.
ORDERINGS = {
    "submitted": ("submitted_at", "pk"),
    "-submitted": ("-submitted_at", "-pk"),
    "applied": ("applied", "pk"),
    "-applied": ("-applied", "-pk"),
    "score": (F("assessment__ranking_score").asc(nulls_first=True), "pk"),
    "-score": (F("assessment__ranking_score").desc(nulls_last=True), "pk"),
}


def rounds() -> QuerySet[SchemeYear]:
    """The development grant's rounds, newest first."""
    return SchemeYear.objects.filter(scheme__code=SchemeCode.DEVELOPMENT).order_by("-year")


def staff_users() -> QuerySet[User]:
    """Who can be given applications to assess."""
    return User.objects.filter(is_active=True).exclude(staff_role="").order_by("full_name")


def _applied_first_year() -> Subquery:
    return Subquery(
        FundingYear.objects.filter(application=OuterRef("pk"), year_number=1).values(
            "amount_applied"
        )[:1],
        output_field=DecimalField(max_digits=12, decimal_places=0),
    )


def queue(
    *,
    user: User,
    scheme_year: SchemeYear | None = None,
    status: str = "",
    focus_area: FocusArea | None = None,
    county: str = "",
    organisation: str = "",
    assessor: User | None = None,
    mine: bool = False,
    flagged: bool = False,
    search: str = "",
    order: str = "-submitted",
) -> QuerySet[Application]:
    """The round's submitted applications for IMDi's staff, without the cases where ``user``
    declared a conflict of interest, each row annotated with what the list shows."""
    qs = access.not_conflicted(Application.objects.filter(case_number__isnull=False), user)
    if scheme_year is not None:
        qs = qs.filter(scheme_year=scheme_year)
    if status:
        qs = qs.filter(status=status)
    if focus_area is not None:
        qs = qs.filter(focus_area=focus_area)
    if county:
        qs = qs.filter(organisation__county_number=county)
    if organisation:
        qs = qs.filter(organisation__name__icontains=organisation)
    if assessor is not None:
        qs = qs.filter(assignments__assessor=assessor)
    if mine:
        qs = qs.filter(assignments__assessor=user)
    if flagged:
        qs = qs.filter(assessment__is_flagged=True)
    if search:
        qs = qs.filter(
            Q(case_number__icontains=search)
            | Q(organisation__name__icontains=search)
            | Q(title__icontains=search)
        )
    mine_assigned = Assignment.objects.filter(application=OuterRef("pk"), assessor=user)
    mine_submitted = Score.objects.filter(
        application=OuterRef("pk"), assessor=user, submitted_at__isnull=False
    )
    declared = ImpartialityDeclaration.objects.filter(
        application=OuterRef("pk"), user=user, has_conflict=False
    )
    return (
        qs.annotate(
            applied=Coalesce(_applied_first_year(), Value(Decimal("0"))),
            is_mine=Exists(mine_assigned),
            my_score_in=Exists(mine_submitted),
            declared=Exists(declared),
        )
        .select_related("organisation", "focus_area", "scheme_year", "assessment", "decision")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("assessor").order_by("pk"),
            )
        )
        .order_by(*ORDERINGS.get(order, ORDERINGS["-submitted"]))
    )


def queue_for_list(rows: QuerySet[Application]) -> QuerySet[Application]:
    """``queue``'s rows with only the columns the list shows: an application has some sixty,
    long texts among them, and reading them for 50 rows was most of the page's time."""
    return (
        rows.select_related(None)
        .select_related("organisation", "focus_area", "assessment")
        .only(
            "case_number",
            "title",
            "status",
            "submitted_at",
            "organisation__name",
            "focus_area__number",
            "assessment__ranking_score",
            "assessment__is_flagged",
        )
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("assessor")
                .only("application_id", "assessor__full_name", "assessor__email")
                .order_by("pk"),
            )
        )
    )


def may_see_scores(
    *, user: User, application: Application, assigned: bool, submitted: bool
) -> bool:
    """Assessors score independently: an assessor sees the others' scores (and the mean) only
    once their own is submitted; the lead sees them when not scoring the case themselves."""
    if assigned:
        return submitted
    return user.is_lead_caseworker


@dataclass
class CaseScores:
    mine: Score | None
    assigned: bool
    others: list[Score] = field(default_factory=list)
    visible: bool = False


def case_scores(*, user: User, application: Application) -> CaseScores:
    scores = list(
        Score.objects.filter(application=application).select_related("assessor").order_by("pk")
    )
    assigned = Assignment.objects.filter(application=application, assessor=user).exists()
    mine = next((s for s in scores if s.assessor_id == user.pk), None)
    visible = may_see_scores(
        user=user,
        application=application,
        assigned=assigned,
        submitted=bool(mine and mine.is_submitted),
    )
    others = [s for s in scores if s.assessor_id != user.pk and s.is_submitted] if visible else []
    return CaseScores(mine=mine, assigned=assigned, others=others, visible=visible)


@dataclass
class RankingRow:
    application_id: int
    amount: Decimal | None
    running_total: Decimal
    above_cut: bool
    is_cut: bool = False
    # Read for the rows on the page shown (``ranking_page``), not for every row.
    application: Application | None = None
    applied: Decimal | None = None
    visible: bool = False


@dataclass
class Ranking:
    focus_area: FocusArea
    rows: list[RankingRow]
    budget: Decimal | None
    awarded: Decimal
    proposed: Decimal
    frame: Decimal | None
    frame_used: Decimal
    is_final: bool

    @property
    def area_left(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.awarded

    @property
    def frame_left(self) -> Decimal | None:
        return None if self.frame is None else self.frame - self.frame_used


def area_ranking(*, focus_area: FocusArea) -> Ranking:
    """An area's applications in assessment or decided on the merits, ranked by score (agreed,
    or the mean until then), with the amount each would get (awarded, else proposed) and the
    running total; the cut line falls where the running total passes the area's budget (or
    what is left of the frame, if the area has none). The totals and the cut need every row,
    so every row is read, but only its id and amounts: ``ranking_page`` reads the rest for the
    page shown; those and the sums are kept between requests until something changes
    (``remembered``: a score, a proposal, a decision each write an audit entry)."""
    scheme_year = focus_area.scheme_year

    def read() -> tuple[list[tuple], Decimal, Decimal]:
        ranked = (
            Application.objects.filter(
                focus_area=focus_area,
                status__in=[Status.IN_ASSESSMENT, Status.AWARDED, Status.REFUSED],
            )
            .order_by(F("assessment__ranking_score").desc(nulls_last=True), "submitted_at", "pk")
            .values_list(
                "pk",
                "decision__pk",
                "decision__kind",
                "decision__amount",
                "assessment__proposed_amount",
            )
        )
        return (
            list(ranked),
            frame_used(scheme_year=scheme_year),
            area_awarded(focus_area=focus_area),
        )

    ranked, used, awarded = remembered(
        "ranking", mark=change_mark(), key=(focus_area.pk,), compute=read
    )
    limit = focus_area.budget_amount
    if limit is None and scheme_year.budget_frame is not None:
        limit = scheme_year.budget_frame - used + awarded
    rows, running, proposed, cut = [], Decimal("0"), Decimal("0"), False
    for pk, decision, kind, decided, proposal in ranked:
        if decision is not None:
            amount = decided if kind == DecisionKind.AWARD else None
        else:
            amount = proposal
            proposed += amount or 0
        running += amount or 0
        within = limit is None or running <= limit
        rows.append(
            RankingRow(
                application_id=pk,
                amount=amount,
                running_total=running,
                above_cut=amount is not None and within,
                is_cut=not within and not cut,
            )
        )
        cut = cut or not within
    return Ranking(
        focus_area=focus_area,
        rows=rows,
        budget=focus_area.budget_amount,
        awarded=awarded,
        proposed=proposed,
        frame=scheme_year.budget_frame,
        frame_used=used,
        is_final=AreaAllocation.objects.filter(focus_area=focus_area).exists(),
    )


def ranking_page(*, rows: list[RankingRow], user: User) -> None:
    """Give the rows of one page their application, the amount applied for, and whether
    ``user`` may open the case (not with a conflict of interest), in one query."""
    conflicted = ImpartialityDeclaration.objects.filter(
        application=OuterRef("pk"), user=user, has_conflict=True
    )
    found = Application.objects.filter(pk__in=[row.application_id for row in rows])
    found = found.annotate(
        applied=Coalesce(_applied_first_year(), Value(Decimal("0"))),
        conflicted=Exists(conflicted),
    ).select_related("organisation", "assessment")
    by_pk = {application.pk: application for application in found}
    for row in rows:
        row.application = by_pk[row.application_id]
        row.applied = row.application.applied
        row.visible = not row.application.conflicted


@dataclass
class AreaFigures:
    focus_area: FocusArea
    awarded: Decimal

    @property
    def unused(self) -> Decimal | None:
        budget = self.focus_area.budget_amount
        return None if budget is None else budget - self.awarded


def frame_overview(*, scheme_year: SchemeYear) -> dict:
    """The round's frame against its area budgets and what is awarded, and the transfers; the
    sums are kept between requests until something changes (``remembered``)."""

    def read() -> tuple[dict, Decimal]:
        awarded = dict(
            Decision.objects.filter(kind=DecisionKind.AWARD, application__scheme_year=scheme_year)
            .exclude(grant__status="lapsed")
            .values_list("application__focus_area")
            .annotate(total=Sum("amount"))
            .values_list("application__focus_area", "total")
        )
        return awarded, committed_from_earlier_rounds(scheme_year=scheme_year)

    awarded_by_area, committed = remembered(
        "frame", mark=change_mark(), key=(scheme_year.pk,), compute=read
    )
    areas = [
        AreaFigures(focus_area=area, awarded=awarded_by_area.get(area.pk) or Decimal("0"))
        for area in scheme_year.focus_areas.order_by("number")
    ]
    budgets = sum((a.focus_area.budget_amount or 0 for a in areas), Decimal("0"))
    return {
        "scheme_year": scheme_year,
        "areas": areas,
        "budgets": budgets,
        "frame": scheme_year.budget_frame,
        "used": sum(awarded_by_area.values(), Decimal("0")) + committed,  # = frame_used
        "committed": committed,
        "transfers": BudgetTransfer.objects.filter(scheme_year=scheme_year).select_related(
            "from_area", "to_area", "moved_by"
        ),
    }


def declarations(*, has_conflict: bool | None = None, search: str = "") -> QuerySet:
    """Every impartiality declaration, for the administrator."""
    qs = ImpartialityDeclaration.objects.select_related(
        "user", "application__organisation", "application__focus_area"
    ).order_by("-declared_at", "-pk")
    if has_conflict is not None:
        qs = qs.filter(has_conflict=has_conflict)
    if search:
        qs = qs.filter(
            Q(application__case_number__icontains=search)
            | Q(user__full_name__icontains=search)
            | Q(user__email__icontains=search)
            | Q(application__organisation__name__icontains=search)
        )
    return qs


def applications_to_score(*, user: User) -> QuerySet[Application]:
    """The applications in assessment assigned to ``user`` whose score is not submitted yet."""
    return (
        Application.objects.filter(status=Status.IN_ASSESSMENT, assignments__assessor=user)
        .exclude(
            Exists(
                Score.objects.filter(
                    application=OuterRef("pk"), assessor=user, submitted_at__isnull=False
                )
            )
        )
        .select_related("organisation", "focus_area")
        .order_by("submitted_at", "pk")
    )


def unscored_assignments() -> QuerySet[Assignment]:
    """Every assignment to an application in assessment whose assessor has not submitted a
    score, grouped by assessor (for the weekly reminders); staff with a declared conflict are
    never assigned."""
    return (
        Assignment.objects.filter(
            application__status=Status.IN_ASSESSMENT, assessor__is_active=True
        )
        .exclude(
            Exists(
                Score.objects.filter(
                    application=OuterRef("application"),
                    assessor=OuterRef("assessor"),
                    submitted_at__isnull=False,
                )
            )
        )
        .select_related("assessor", "application__organisation")
        .order_by("assessor_id", "application__submitted_at")
    )


def decision_letters_stuck(*, before: dt.datetime) -> QuerySet[DecisionLetter]:
    """Refusal and dismissal letters made before ``before`` and still not sent or rendered."""
    return (
        DecisionLetter.objects.filter(created_at__lt=before)
        .filter(Q(rendered_at__isnull=True) | Q(sent_on__isnull=True))
        .select_related(
            "decision__application__organisation", "decision__reversed_from__organisation"
        )
    )


def public_details(grants: list) -> dict[int, dict[str, str]]:
    """The open data's focus area and project title of development grants, by grant id: from
    the award, or for a later year of a multi-year project from its first year's award. Two
    queries, whatever the number of grants."""
    ids = [grant.pk for grant in grants]
    found: dict[int, dict[str, str]] = {}

    def describe(decision: Decision) -> dict[str, str]:
        application = decision.application or decision.reversed_from
        area = application.focus_area
        return {
            "focus_area": f"{area.number}. {area.display_name}",
            "project_title": application.title,
        }

    for decision in Decision.objects.filter(grant_id__in=ids).select_related(
        "application__focus_area", "reversed_from__focus_area"
    ):
        found[decision.grant_id] = describe(decision)
    for planned in PlannedYear.objects.filter(continued_as_id__in=ids).select_related(
        "grant__decision__application__focus_area"
    ):
        decision = getattr(planned.grant, "decision", None)
        if decision is not None and decision.application_id:
            found[planned.continued_as_id] = describe(decision)
    return found
