"""The circular's eligibility rules, as the checklist shows them.

The plain "this must be filled in" rules come from the form's declaration (``steps.py``); the
rules that are more than that are functions from an application to its problems here. Every
message names the rule and where it stands in the circular (Rundskriv 08-2025 has no numbered
points, so the section is named). The same checklist is shown while filling in and checked on
submission, so the two can never disagree. Rules that differ by focus area follow the area's
``kind``, never its number.

What the circular only recommends ("bør") is advice: a ``Problem`` with ``advice=True``, shown on
the checklist and to the assessor, never a reason to refuse a submission
(``application_problems`` leaves it out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imdi_grants.lib.money import KRONE, format_nok
from schemes.models import BasicAmount, FocusAreaKind
from schemes.selectors import focus_area_is_open_to

from .models import Application
from .steps import STEPS, field_rules

MIN_PARTICIPANTS = 10
MIN_YEARS = 1
MAX_YEARS = 3


@dataclass(frozen=True)
class Problem:
    """Something the application lacks; ``advice`` when the circular only recommends it."""

    rule: str
    message: str
    step: str
    advice: bool = False


@dataclass(frozen=True)
class RuleResult:
    code: str
    title: str
    step: str
    problems: list[Problem] = field(default_factory=list)
    advice: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Advice never keeps a rule from being met."""
        return not self.problems


def _problem(rule: str, step: str, message: str) -> Problem:
    return Problem(rule=rule, message=message, step=step)


def check_focus_area(application: Application) -> list[Problem]:
    """Who may apply under the area, as the year's configuration says (2025: county
    municipalities only under welcome services, municipalities under the others; nobody under a
    closed area) ("Tilskuddsmottakere")."""
    area = application.focus_area
    organisation = application.organisation
    if focus_area_is_open_to(area, organisation):
        return []
    if not area.scheme_year.is_published:
        # nb: Søknadsrunden er ikke åpnet ennå.
        message = _("This application round is not open yet.")
    elif not area.is_open:
        # nb: Satsingsområde %(number)s er ikke med i denne søknadsrunden (rundskrivet,
        # «Satsingsområder i ordningen»).
        message = _(
            "Focus area %(number)s is not part of this application round (the circular, "
            "“Focus areas of the scheme”)."
        )
    elif area.open_to_county_municipalities and not area.open_to_municipalities:
        # nb: Bare fylkeskommuner kan søke under satsingsområde %(number)s (rundskrivet,
        # «Tilskuddsmottakere»).
        message = _(
            "Only county municipalities may apply under focus area %(number)s (the circular, "
            "“Grant recipients”)."
        )
    else:
        # nb: Bare kommuner kan søke under satsingsområde %(number)s (rundskrivet,
        # «Tilskuddsmottakere»).
        message = _(
            "Only municipalities may apply under focus area %(number)s (the circular, "
            "“Grant recipients”)."
        )
    return [_problem("focus_area", "basics", message % {"number": area.number})]


def check_participants(application: Application) -> list[Problem]:
    """At least ten participants ("Vilkår for å få tilskudd")."""
    if application.participants is not None and application.participants >= MIN_PARTICIPANTS:
        return []
    # nb: Prosjektet må ha minst ti deltakere (rundskrivet, «Vilkår for å få tilskudd»).
    message = _(
        "The project must have at least ten participants (the circular, “Conditions for a grant”)."
    )
    return [_problem("participants", "budget", message)]


def check_project_period(application: Application) -> list[Problem]:
    """One to three years ("Samlet tilskuddsramme": multi-year projects up to three years)."""
    years = application.project_years
    if years is not None and MIN_YEARS <= years <= MAX_YEARS:
        return []
    # nb: Prosjektperioden må være fra ett til tre år (rundskrivet, «Samlet tilskuddsramme»).
    message = _(
        "The project period must be one to three years (the circular, “Total grant frame”)."
    )
    return [_problem("project_period", "budget", message)]


def _budget_years(application: Application) -> range:
    years = application.project_years or 0
    return range(1, min(max(years, 0), MAX_YEARS) + 1)


def check_own_contribution(application: Application) -> list[Problem]:
    """Egenandel above zero in every project year ("Vilkår for å få tilskudd")."""
    funding = {row.year_number: row for row in application.funding_years.all()}
    problems = []
    for year in _budget_years(application) or range(1, 2):
        row = funding.get(year)
        if row is None or row.own_contribution <= 0:
            # nb: Søkeren må bidra med egenandel i prosjektår %(year)s (rundskrivet, «Vilkår
            # for å få tilskudd»).
            message = _(
                "The applicant must make an own contribution in project year %(year)s (the "
                "circular, “Conditions for a grant”)."
            )
            problems.append(_problem("own_contribution", "budget", message % {"year": year}))
    return problems


def check_budget(application: Application) -> list[Problem]:
    """A budget for every project year, with an amount applied for and costs that the funding
    covers exactly."""
    funding = {row.year_number: row for row in application.funding_years.all()}
    costs: dict[int, Decimal] = {}
    for line in application.budget_lines.all():
        costs[line.year_number] = costs.get(line.year_number, Decimal(0)) + line.amount
    problems = []
    for year in _budget_years(application):
        row = funding.get(year)
        if row is None or row.amount_applied <= 0 or not costs.get(year):
            # nb: Fyll ut budsjettet for prosjektår %(year)s med kostnader og beløpet dere søker
            # om (rundskrivet, «Slik søker dere»).
            message = _(
                "Fill in the budget for project year %(year)s with costs and the amount applied "
                "for (the circular, “How to apply”)."
            )
            problems.append(_problem("budget", "budget", message % {"year": year}))
        elif row.total != costs[year]:
            # nb: Budsjettet for prosjektår %(year)s går ikke opp: kostnader %(costs)s,
            # finansiering %(funding)s (rundskrivet, «Slik søker dere»).
            message = _(
                "The budget for project year %(year)s does not balance: costs %(costs)s, "
                "funding %(funding)s (the circular, “How to apply”)."
            )
            problems.append(
                _problem(
                    "budget",
                    "budget",
                    message
                    % {
                        "year": year,
                        "costs": format_nok(costs[year]),
                        "funding": format_nok(row.total),
                    },
                )
            )
    return problems


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _basic_amounts_over(start: dt.date, end: dt.date) -> list[tuple[dt.date, Decimal]]:
    """(valid from, G) of every G in force on some day from ``start`` to ``end``, oldest first.
    Raises ``LookupError`` when no G is configured on ``start``."""
    found = []
    rows = BasicAmount.objects.filter(valid_from__lte=end).order_by("-valid_from")
    for valid_from, amount in rows.values_list("valid_from", "amount"):
        found.append((valid_from, amount))
        if valid_from <= start:
            return found[::-1]
    raise LookupError(f"No basic amount (G) configured on {start}")


def allowance_cap(
    *, start: dt.date, end: dt.date, basic_amounts: list[tuple[dt.date, Decimal]]
) -> Decimal:
    """1 G per participant for the year from ``start`` to ``end`` (both included), each G
    counted for the days of the year it is in force, rounded down to whole kroner.

    G is set every 1 May, so a project year that starts before 1 May and runs past it meets two
    values. The application gives one allowance per participant per year, not when in the year it
    is paid; spread over the year, checking each part against its own G comes to the same as
    this day-weighted G, which needs no guess about the months. A G after the last one configured
    is not known while the application is written: the last known one counts for those days,
    which errs on the safe side while G keeps rising; the checklist is worked out again on every
    page and at submission, so a G configured later counts from then."""
    days = (end - start).days + 1
    total = Decimal(0)
    for index, (valid_from, amount) in enumerate(basic_amounts):
        following = basic_amounts[index + 1][0] if index + 1 < len(basic_amounts) else None
        first = max(valid_from, start)
        last = min(following - dt.timedelta(days=1), end) if following else end
        if last >= first:
            total += amount * ((last - first).days + 1)
    return (total / days).quantize(KRONE, rounding=ROUND_DOWN)


def check_participant_allowance(application: Application) -> list[Problem]:
    """Deltakerstønad ("Satsingsområde 1, særlige vilkår" in 2025): only under innovation areas
    and only with a social entrepreneur (the circular grants it under "modeller for arbeidsrettet
    kvalifisering i samarbeid med sosiale entreprenører"), at most twelve months, and at most
    1 G per participant per year with the G in force on each day of every project year
    (``allowance_cap``)."""
    if not application.has_allowance:
        return []
    if application.focus_area.kind != FocusAreaKind.INNOVATION:
        # nb: Deltakerstønad kan bare søkes under satsingsområde 1 (rundskrivet,
        # «Satsingsområde 1, særlige vilkår»).
        message = _(
            "A participant allowance may only be applied for under focus area 1 (the circular, "
            "“Focus area 1, special conditions”)."
        )
        return [_problem("participant_allowance", "area", message)]
    if not application.has_social_entrepreneur:
        # nb: Deltakerstønad kan bare søkes i prosjekter med en sosial entreprenør: kryss av for
        # «Med en sosial entreprenør» og beskriv den, eller fjern deltakerstønaden (rundskrivet,
        # «Satsingsområde 1, særlige vilkår»).
        message = _(
            "A participant allowance belongs to projects with a social entrepreneur: tick “With "
            "a social entrepreneur” and describe it, or remove the allowance (the circular, "
            "“Focus area 1, special conditions”)."
        )
        return [_problem("participant_allowance", "area", message)]
    if application.allowance_months and application.allowance_months > 12:
        # nb: Deltakerstønaden kan gjelde høyst tolv måneder per år (rundskrivet,
        # «Satsingsområde 1, særlige vilkår»).
        message = _(
            "The participant allowance can cover at most twelve months a year (the circular, "
            "“Focus area 1, special conditions”)."
        )
        return [_problem("participant_allowance", "area", message)]
    per_participant = application.allowance_per_participant_per_year
    start = application.project_start
    if not per_participant or start is None:
        return []  # the period rule asks for the start date; G depends on it
    years = min(max(application.project_years or 1, 1), MAX_YEARS)
    try:
        basic_amounts = _basic_amounts_over(start, _years_after(start, years))
    except LookupError:
        # nb: Grunnbeløpet (G) er ikke satt for prosjektets startdato; kontakt IMDi.
        message = _("The basic amount (G) is not configured for the project start; contact IMDi.")
        return [_problem("participant_allowance", "area", message)]
    caps = []
    for year in range(1, years + 1):
        first = _years_after(start, year - 1)
        last = _years_after(start, year) - dt.timedelta(days=1)
        cap = allowance_cap(start=first, end=last, basic_amounts=basic_amounts)
        caps.append((cap, year, first, last))
    cap, year, first, last = min(caps)  # the tightest year: within it is within every year
    if per_participant <= cap:
        return []
    # nb: Deltakerstønaden kan være høyst 1 G per deltaker per år: i prosjektår %(year)s
    # (%(start)s–%(end)s) er det %(g)s, med hver G regnet for dagene den gjelder; dere har
    # satt opp %(amount)s (rundskrivet, «Satsingsområde 1, særlige vilkår»).
    message = _(
        "The participant allowance may be at most 1 G per participant per year: in project "
        "year %(year)s (%(start)s–%(end)s) that is %(g)s, with each G counted for the days "
        "it is in force; you have entered %(amount)s (the circular, “Focus area 1, special "
        "conditions”)."
    )
    values = {
        "year": year,
        "start": f"{first:%d.%m.%Y}",
        "end": f"{last:%d.%m.%Y}",
        "g": format_nok(cap),
        "amount": format_nok(per_participant),
    }
    return [_problem("participant_allowance", "area", message % values)]


def check_declared_fields(application: Application) -> dict[str, list[Problem]]:
    """The form's "fill this in" rules (``steps.py``) that the application does not meet, by
    the checklist rule they are shown under."""
    found: dict[str, list[Problem]] = {}
    for step, required, names in field_rules(application.focus_area.kind):
        if not required.applies_to(application):
            continue
        missing = [name for name in names if not required.test(getattr(application, name))]
        if not missing:
            continue
        if required.message is not None:
            message = str(required.message)
        else:
            label = Application._meta.get_field(missing[0]).verbose_name
            # nb: Fyll ut «%(field)s» (%(section)s).
            message = _("Fill in “%(field)s” (%(section)s).") % {
                "field": str(label).capitalize(),
                "section": required.citation,
            }
        found.setdefault(required.rule, []).append(
            Problem(rule=required.rule, message=message, step=step, advice=required.advice)
        )
    return found


def check_earlier_projects(application: Application) -> list[Problem]:
    """The applicant refers to earlier projects of good quality ("Vilkår for å få tilskudd")."""
    if application.earlier_projects.all():
        return []
    # nb: Vis til minst ett tidligere prosjekt av god kvalitet i feltet (rundskrivet, «Vilkår
    # for å få tilskudd»).
    message = _(
        "Refer to at least one earlier project of good quality in the field (the circular, "
        "“Conditions for a grant”)."
    )
    return [_problem("earlier_projects", "partners", message)]


@dataclass(frozen=True)
class Rule:
    """A line of the checklist: the declared "fill this in" problems filed under ``code``, then
    those of ``check``, if the rule has one."""

    code: str
    title: Promise
    step: str
    check: Callable[[Application], list[Problem]] | None = None


RULES: list[Rule] = [
    Rule(
        "focus_area",
        gettext_lazy("The focus area is open to the organisation"),
        "basics",
        check_focus_area,
    ),
    Rule("required_fields", gettext_lazy("Required fields"), "basics"),
    Rule("participants", gettext_lazy("At least ten participants"), "budget", check_participants),
    Rule(
        "project_period",
        gettext_lazy("Project period of one to three years"),
        "budget",
        check_project_period,
    ),
    Rule("budget", gettext_lazy("Budget for every project year"), "budget", check_budget),
    Rule(
        "own_contribution",
        gettext_lazy("Own contribution above zero"),
        "budget",
        check_own_contribution,
    ),
    Rule(
        "earlier_projects",
        gettext_lazy("Earlier projects in the field"),
        "partners",
        check_earlier_projects,
    ),
    Rule(
        "participant_allowance",
        gettext_lazy("Participant allowance at most 1 G per participant per year"),
        "area",
        check_participant_allowance,
    ),
    Rule("social_entrepreneur", gettext_lazy("Social entrepreneur"), "area"),
    Rule("area_specific", gettext_lazy("Special conditions of the focus area"), "area"),
    Rule("declarations", gettext_lazy("Declarations"), "declarations"),
]


def application_checklist(*, application: Application) -> list[RuleResult]:
    """Every rule with its problems and its advice, in the order of the form's steps."""
    declared = check_declared_fields(application)
    results = []
    for rule in RULES:
        found = [*declared.get(rule.code, []), *(rule.check(application) if rule.check else [])]
        results.append(
            RuleResult(
                code=rule.code,
                title=str(rule.title),
                step=rule.step,
                problems=[problem for problem in found if not problem.advice],
                advice=[problem for problem in found if problem.advice],
            )
        )
    return results


def application_problems(*, application: Application) -> list[Problem]:
    """What stops a submission; advice never does."""
    return [
        problem
        for result in application_checklist(application=application)
        for problem in result.problems
    ]


def application_advice(*, application: Application) -> list[Problem]:
    """What the circular recommends and the application does not show, for the assessor."""
    return [
        advice
        for result in application_checklist(application=application)
        for advice in result.advice
    ]


@dataclass(frozen=True)
class StepCheck:
    """The checklist of one step of the form, for the progress indicator and the summary."""

    slug: str
    number: int
    title: str
    problems: list[Problem]
    advice: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def checklist_by_step(checklist: list[RuleResult]) -> list[StepCheck]:
    """The problems and advice of ``checklist`` under the step where each is put right, for
    every step of the form (the review step has none of its own)."""
    return [
        StepCheck(
            slug=step.slug,
            number=number,
            title=str(step.title),
            problems=[p for result in checklist for p in result.problems if p.step == step.slug],
            advice=[p for result in checklist for p in result.advice if p.step == step.slug],
        )
        for number, step in enumerate(STEPS, start=1)
    ]
