"""The circular's eligibility rules, each a function from an application to its problems.

Every message names the rule and where it stands in the circular (Rundskriv 08-2025 has no
numbered points, so the section is named). The same functions drive the checklist shown while
filling in and the check on submission, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import orgnr

from imdi_grants.lib.money import format_nok
from schemes.selectors import basic_amount_on, focus_area_is_open_to

from .models import Application, ExemptionStatus

MIN_PARTICIPANTS = 10
MIN_YEARS = 1
MAX_YEARS = 3


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str
    step: str


@dataclass(frozen=True)
class RuleResult:
    code: str
    title: str
    step: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(rule: str, step: str, message: str) -> Problem:
    return Problem(rule=rule, message=message, step=step)


def check_focus_area(application: Application) -> list[Problem]:
    """Satsingsområde: area 4 county municipalities only; areas 1, 2, 5 municipalities; a closed
    area nobody ("Tilskuddsmottakere")."""
    area = application.focus_area
    organisation = application.organisation
    if focus_area_is_open_to(area, organisation):
        return []
    if not area.is_open:
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
    problems = []
    if application.project_start is None:
        # nb: Oppgi når prosjektet starter (rundskrivet, «Samlet tilskuddsramme»).
        problems.append(
            _problem(
                "project_period",
                "budget",
                _("Give the project's start date (the circular, “Total grant frame”)."),
            )
        )
    years = application.project_years
    if years is None or not MIN_YEARS <= years <= MAX_YEARS:
        # nb: Prosjektperioden må være fra ett til tre år (rundskrivet, «Samlet
        # tilskuddsramme»).
        problems.append(
            _problem(
                "project_period",
                "budget",
                _(
                    "The project period must be one to three years (the circular, “Total "
                    "grant frame”)."
                ),
            )
        )
    return problems


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


def check_participant_allowance(application: Application) -> list[Problem]:
    """Deltakerstønad (area 1) at most 1 G per participant per year, with G in force at the
    project start ("Satsingsområde 1, særlige vilkår")."""
    per_participant = application.allowance_per_participant_per_year
    if not per_participant:
        return []
    if application.focus_area.number != 1:
        # nb: Deltakerstønad kan bare søkes under satsingsområde 1 (rundskrivet,
        # «Satsingsområde 1, særlige vilkår»).
        message = _(
            "A participant allowance may only be applied for under focus area 1 (the circular, "
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
    if application.project_start is None:
        return []  # the period rule asks for the start date; G depends on it
    try:
        basic_amount = basic_amount_on(on=application.project_start)
    except LookupError:
        # nb: Grunnbeløpet (G) er ikke satt for prosjektets startdato; kontakt IMDi.
        message = _("The basic amount (G) is not configured for the project start; contact IMDi.")
        return [_problem("participant_allowance", "area", message)]
    if per_participant <= basic_amount:
        return []
    # nb: Deltakerstønaden kan være høyst 1 G (%(g)s) per deltaker per år; dere har satt opp
    # %(amount)s (rundskrivet, «Satsingsområde 1, særlige vilkår»).
    message = _(
        "The participant allowance may be at most 1 G (%(g)s) per participant per year; you "
        "have entered %(amount)s (the circular, “Focus area 1, special conditions”)."
    )
    return [
        _problem(
            "participant_allowance",
            "area",
            message % {"g": format_nok(basic_amount), "amount": format_nok(per_participant)},
        )
    ]


def check_social_entrepreneur(application: Application) -> list[Problem]:
    """A social entrepreneur (area 1) with a valid organisation number, a business model and
    statutes that forbid dividends ("Satsingsområde 1, særlige vilkår")."""
    if application.focus_area.number != 1 or not application.has_social_entrepreneur:
        return []
    problems = []
    if not (application.entrepreneur_name and application.entrepreneur_form):
        # nb: Oppgi den sosiale entreprenørens navn og organisasjonsform (rundskrivet,
        # «Satsingsområde 1, særlige vilkår»).
        message = _(
            "Give the social entrepreneur's name and form of organisation (the circular, "
            "“Focus area 1, special conditions”)."
        )
        problems.append(_problem("social_entrepreneur", "area", message))
    try:
        orgnr.validate(application.entrepreneur_organisation_number)
    except StdnumError:
        # nb: Den sosiale entreprenøren må ha et gyldig organisasjonsnummer (rundskrivet,
        # «Satsingsområde 1, særlige vilkår»).
        message = _(
            "The social entrepreneur must have a valid organisation number (the circular, "
            "“Focus area 1, special conditions”)."
        )
        problems.append(_problem("social_entrepreneur", "area", message))
    if application.entrepreneur_no_dividends is not True:
        # nb: Den sosiale entreprenøren må ha vedtektsfestet at det ikke skal tas ut utbytte
        # (rundskrivet, «Satsingsområde 1, særlige vilkår»).
        message = _(
            "The social entrepreneur's statutes must forbid dividends (the circular, “Focus "
            "area 1, special conditions”)."
        )
        problems.append(_problem("social_entrepreneur", "area", message))
    if not application.entrepreneur_business_model.strip():
        # nb: Beskriv den sosiale entreprenørens forretningsmodell (rundskrivet,
        # «Satsingsområde 1, særlige vilkår»).
        message = _(
            "Describe the social entrepreneur's business model (the circular, “Focus area 1, "
            "special conditions”)."
        )
        problems.append(_problem("social_entrepreneur", "area", message))
    return problems


# The text fields every application needs, with the circular's section that asks for them.
def _required_fields() -> list[tuple[str, str, Promise]]:
    criteria = gettext_lazy("the circular, “Criteria IMDi assesses applications by”")
    conditions = gettext_lazy("the circular, “Conditions for a grant”")
    how = gettext_lazy("the circular, “How to apply”")
    return [
        ("title", "basics", how),
        ("summary", "basics", how),
        ("goals", "basics", how),
        ("target_group", "basics", how),
        ("activities", "description", criteria),
        ("purpose_fit", "description", criteria),
        ("implementation_capacity", "description", criteria),
        ("transfer_value", "description", criteria),
        ("products_free", "description", conditions),
    ]


def check_required_fields(application: Application) -> list[Problem]:
    problems = []
    for name, step, section in _required_fields():
        if not str(getattr(application, name) or "").strip():
            label = Application._meta.get_field(name).verbose_name
            # nb: Fyll ut «%(field)s» (%(section)s).
            message = _("Fill in “%(field)s” (%(section)s).")
            problems.append(
                _problem(
                    "required_fields",
                    step,
                    message % {"field": str(label).capitalize(), "section": section},
                )
            )
    return problems


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


def check_area_specific(application: Application) -> list[Problem]:
    """The special conditions of each focus area ("særlige vilkår")."""
    number = application.focus_area.number
    problems = []
    if number == 1 and application.has_norwegian_training:
        if not (application.curriculum_tie.strip() and application.right_to_training.strip()):
            # nb: Beskriv koblingen til læreplanene og hvordan deltakernes rett til opplæring i
            # norsk blir ivaretatt (rundskrivet, «Satsingsområde 1, særlige vilkår»).
            message = _(
                "Describe the tie to the curricula and how participants' right to Norwegian "
                "training is kept (the circular, “Focus area 1, special conditions”)."
            )
            problems.append(_problem("area_specific", "area", message))
    elif number == 2:
        if not application.supportive_not_treatment:
            # nb: Tiltaket må være støttende eller forebyggende, ikke behandling (rundskrivet,
            # «Satsingsområde 2, særskilte vilkår»).
            message = _(
                "The measure must be supportive or preventive, not treatment (the circular, "
                "“Focus area 2, special conditions”)."
            )
            problems.append(_problem("area_specific", "area", message))
        if not (
            application.interdisciplinary_cooperation.strip()
            and application.local_characteristics.strip()
        ):
            # nb: Beskriv det lokale tiltaket og det tverrfaglige samarbeidet mellom helse- og
            # kvalifiseringsaktører (rundskrivet, «Satsingsområde 2, særskilte vilkår»).
            message = _(
                "Describe the local measure and the interdisciplinary cooperation between "
                "health and qualification actors (the circular, “Focus area 2, special "
                "conditions”)."
            )
            problems.append(_problem("area_specific", "area", message))
    elif number == 4:
        if not application.regional_dialogue.strip():
            # nb: Beskriv dialogen med kommunene og regionale statlige aktører som politi,
            # Skatteetaten og Nav (rundskrivet, «Satsingsområde 4, særlige vilkår»).
            message = _(
                "Describe the dialogue with the municipalities and regional state actors such "
                "as the police, the Tax Administration and NAV (the circular, “Focus area 4, "
                "special conditions”)."
            )
            problems.append(_problem("area_specific", "area", message))
    elif number == 5 and not (
        application.plan_anchoring.strip() and application.employee_involvement.strip()
    ):
        # nb: Beskriv forankringen i kommunale planer og hvordan de ansatte involveres
        # (rundskrivet, «Satsingsområde 5, særlige vilkår»).
        message = _(
            "Describe the anchoring in municipal plans and how employees are involved (the "
            "circular, “Focus area 5, special conditions”)."
        )
        problems.append(_problem("area_specific", "area", message))
    return problems


def check_declarations(application: Application) -> list[Problem]:
    """The declarations every applicant makes ("Vilkår for å få tilskudd")."""
    problems = []
    if not application.declares_no_ordinary_operation:
        # nb: Bekreft at midlene ikke skal finansiere ordinær drift (rundskrivet, «Vilkår for
        # å få tilskudd»).
        message = _(
            "Confirm that the funds will not finance ordinary operation (the circular, "
            "“Conditions for a grant”)."
        )
        problems.append(_problem("declarations", "declarations", message))
    if not application.declares_curricula:
        # nb: Bekreft at opplæringen i norsk følger læreplanene og gis av eller med en
        # kvalifisert lærer (rundskrivet, «Vilkår for å få tilskudd»).
        message = _(
            "Confirm that Norwegian training follows the curricula and is given by or with a "
            "qualified teacher (the circular, “Conditions for a grant”)."
        )
        problems.append(_problem("declarations", "declarations", message))
    if not application.declares_products_free:
        # nb: Bekreft at produktene fra prosjektet blir fritt tilgjengelige for andre
        # (rundskrivet, «Vilkår for å få tilskudd»).
        message = _(
            "Confirm that the project's products will be free for others (the circular, "
            "“Conditions for a grant”)."
        )
        problems.append(_problem("declarations", "declarations", message))
    if application.exemption_status not in ExemptionStatus.values:
        # nb: Oppgi om prosjektet trenger unntak etter integreringsloven § 38 (rundskrivet,
        # «Vilkår for å få tilskudd»).
        message = _(
            "State whether the project needs an exemption under the Integration Act § 38 (the "
            "circular, “Conditions for a grant”)."
        )
        problems.append(_problem("declarations", "declarations", message))
    return problems


@dataclass(frozen=True)
class Rule:
    code: str
    title: Promise
    step: str
    check: Callable[[Application], list[Problem]]


RULES: list[Rule] = [
    Rule(
        "focus_area",
        gettext_lazy("The focus area is open to the organisation"),
        "basics",
        check_focus_area,
    ),
    Rule("required_fields", gettext_lazy("Required fields"), "basics", check_required_fields),
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
    Rule(
        "social_entrepreneur",
        gettext_lazy("Social entrepreneur"),
        "area",
        check_social_entrepreneur,
    ),
    Rule(
        "area_specific",
        gettext_lazy("Special conditions of the focus area"),
        "area",
        check_area_specific,
    ),
    Rule("declarations", gettext_lazy("Declarations"), "declarations", check_declarations),
]


def application_checklist(*, application: Application) -> list[RuleResult]:
    """Every rule with its problems, in the order of the form's steps."""
    return [
        RuleResult(
            code=rule.code, title=str(rule.title), step=rule.step, problems=rule.check(application)
        )
        for rule in RULES
    ]


def application_problems(*, application: Application) -> list[Problem]:
    return [
        problem
        for result in application_checklist(application=application)
        for problem in result.problems
    ]
