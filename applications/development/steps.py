"""The steps of the application form, each declared once.

A step names the fields of ``Application`` it owns, how they are shown, and which of them
submission needs (with the circular's section, or a message of its own). Everything else is built
from here: the step's form (``forms.step_form_class``), the fields a draft may change
(``editable_fields``), the summary on the review page and in the receipt
(``selectors.application_summary``) and the plain "fill this in" rules of the checklist
(``rules.py``). The fields of the focus-area step belong to kinds of focus area
(``FocusArea.kind``), never to area numbers, which change from year to year.

The rules that are more than "this must be filled in" (ten participants, the budget, the own
contribution, 1 G, who may apply) are functions in ``rules.py``.

Where the circular says "skal" or "må", a ``Required`` is a rule: submission waits until it is met.
Where it says "bør" (should), the ``Required`` is ``advice``: the checklist and the assessor see
it, but it never stops a submission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr

from imdi_grants.lib.formfields import MoneyField, OrganisationNumberField
from schemes.models import FocusAreaKind as Kind


def is_filled(value: Any) -> bool:
    """Text that is not blank, a ticked box, or any other value."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return bool(value.strip())
    return True


@dataclass(frozen=True)
class Required:
    """What submission needs of a field, and under which checklist rule it is shown.

    Without ``message`` the problem reads "Fill in “field” (citation)", one per field. Give one
    ``Required`` with a ``message`` to several fields for a single problem when any of them is
    missing. ``when`` names boxes of which at least one must be ticked for the requirement to
    apply. ``advice`` marks what the circular only recommends ("bør"): shown, never refused.
    """

    rule: str
    citation: Promise | None = None
    message: Promise | None = None
    when: tuple[str, ...] = ()
    test: Callable[[Any], bool] = is_filled
    advice: bool = False

    def applies_to(self, application: Any) -> bool:
        return not self.when or any(getattr(application, box) for box in self.when)


@dataclass(frozen=True)
class Field:
    """A model field on a step. ``kinds`` limits it to focus areas of those kinds."""

    name: str
    help_text: Promise | None = None
    widget: forms.Widget | None = None
    form_field: type[forms.Field] | None = None
    required: Required | None = None
    kinds: frozenset[str] = frozenset()

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass(frozen=True)
class Step:
    """A page of the form; ``summary_title`` heads its part of the summary (none: not shown)."""

    slug: str
    title: Promise
    summary_title: Promise | None = None
    fields: tuple[Field, ...] = ()

    def fields_for(self, kind: str) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.applies_to(kind))

    def field_names(self, kind: str) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields_for(kind))


def _kinds(*kinds: str) -> frozenset[str]:
    return frozenset(kinds)


HOW_TO_APPLY = _("the circular, “How to apply”")
CRITERIA = _("the circular, “Criteria IMDi assesses applications by”")
CONDITIONS = _("the circular, “Conditions for a grant”")

FILL_IN_HOW = Required("required_fields", citation=HOW_TO_APPLY)
FILL_IN_CRITERIA = Required("required_fields", citation=CRITERIA)
FILL_IN_CONDITIONS = Required("required_fields", citation=CONDITIONS)

PROJECT_START = Required(
    "project_period",
    # nb: Oppgi når prosjektet starter (rundskrivet, «Samlet tilskuddsramme»).
    message=_("Give the project's start date (the circular, “Total grant frame”)."),
)

INNOVATION = _kinds(Kind.INNOVATION)
ENTREPRENEUR = ("has_social_entrepreneur",)
ENTREPRENEUR_NAME_AND_FORM = Required(
    "social_entrepreneur",
    # nb: Oppgi den sosiale entreprenørens navn og organisasjonsform (rundskrivet,
    # «Satsingsområde 1, særlige vilkår»).
    message=_(
        "Give the social entrepreneur's name and form of organisation (the circular, "
        "“Focus area 1, special conditions”)."
    ),
    when=ENTREPRENEUR,
)
ENTREPRENEUR_ORGANISATION_NUMBER = Required(
    "social_entrepreneur",
    # nb: Den sosiale entreprenøren må ha et gyldig organisasjonsnummer (rundskrivet,
    # «Satsingsområde 1, særlige vilkår»).
    message=_(
        "The social entrepreneur must have a valid organisation number (the circular, "
        "“Focus area 1, special conditions”)."
    ),
    when=ENTREPRENEUR,
    test=orgnr.is_valid,
)
ENTREPRENEUR_NO_DIVIDENDS = Required(
    "social_entrepreneur",
    # nb: Den sosiale entreprenøren må ha vedtektsfestet at det ikke skal tas ut utbytte
    # (rundskrivet, «Satsingsområde 1, særlige vilkår»).
    message=_(
        "The social entrepreneur's statutes must forbid dividends (the circular, “Focus "
        "area 1, special conditions”)."
    ),
    when=ENTREPRENEUR,
)
ENTREPRENEUR_BUSINESS_MODEL = Required(
    "social_entrepreneur",
    # nb: Beskriv den sosiale entreprenørens forretningsmodell (rundskrivet,
    # «Satsingsområde 1, særlige vilkår»).
    message=_(
        "Describe the social entrepreneur's business model (the circular, “Focus area 1, "
        "special conditions”)."
    ),
    when=ENTREPRENEUR,
)
# Working methods in Norwegian training: the themes "skal" be tied directly to the curricula (a
# rule); how the participants' right to training is kept "bør" show in the application (advice).
CURRICULUM_TIE = Required(
    "area_specific",
    # nb: Beskriv hvordan prosjektets temaer er direkte knyttet til læreplanen i norsk for
    # voksne innvandrere eller til læreplanene for forberedende opplæring for voksne (FOV)
    # (rundskrivet, «Satsingsområde 1, særlige vilkår»).
    message=_(
        "Describe how the project's themes are tied directly to the curriculum in Norwegian "
        "for adult immigrants or to the curricula for preparatory training for adults (FOV) "
        "(the circular, “Focus area 1, special conditions”)."
    ),
    when=("has_norwegian_training",),
)
RIGHT_TO_TRAINING = Required(
    "area_specific",
    # nb: Søknaden bør vise hvordan deltakernes rett til opplæring i norsk blir ivaretatt, som
    # en del av prosjektet eller samordnet med deltakernes øvrige tilbud (rundskrivet,
    # «Satsingsområde 1, særlige vilkår»).
    message=_(
        "The application should show how participants' right to Norwegian training is kept, "
        "as part of the project or coordinated with their other training (the circular, "
        "“Focus area 1, special conditions”)."
    ),
    when=("has_norwegian_training",),
    advice=True,
)

PSYCHOLOGICAL_SUPPORT = _kinds(Kind.PSYCHOLOGICAL_SUPPORT)
NOT_TREATMENT = Required(
    "area_specific",
    # nb: Tiltaket må være støttende eller forebyggende, ikke behandling (rundskrivet,
    # «Satsingsområde 2, særskilte vilkår»).
    message=_(
        "The measure must be supportive or preventive, not treatment (the circular, "
        "“Focus area 2, special conditions”)."
    ),
)
LOCAL_MEASURE = Required(
    "area_specific",
    # nb: Beskriv det lokale tiltaket og det tverrfaglige samarbeidet mellom helse- og
    # kvalifiseringsaktører (rundskrivet, «Satsingsområde 2, særskilte vilkår»).
    message=_(
        "Describe the local measure and the interdisciplinary cooperation between "
        "health and qualification actors (the circular, “Focus area 2, special "
        "conditions”)."
    ),
)

WELCOME_SERVICES = _kinds(Kind.WELCOME_SERVICES)
# "Fylkeskommunen bør etablere velkomsttilbudet i tett dialog med kommunene og med regionale
# statlige aktører": advice.
REGIONAL_DIALOGUE = Required(
    "area_specific",
    # nb: Fylkeskommunen bør etablere velkomsttilbudet i tett dialog med kommunene og
    # regionale statlige aktører som politi, Skatteetaten og Nav; beskriv dialogen
    # (rundskrivet, «Satsingsområde 4, særlige vilkår»).
    message=_(
        "The county municipality should set up the welcome service in close dialogue with the "
        "municipalities and regional state actors such as the police, the Tax Administration "
        "and NAV; describe the dialogue (the circular, “Focus area 4, special conditions”)."
    ),
    advice=True,
)

DIVERSITY = _kinds(Kind.DIVERSITY)
# The work "bør" be part of municipal plans ("det er ikke nødvendig å ha en handlingsplan for å
# søke"), and measures for the municipality as a workplace "bør" involve the employees: advice.
PLAN_ANCHORING = Required(
    "area_specific",
    # nb: Arbeidet bør gå inn som en del av kommunale plandokumenter, med konkrete tiltak;
    # beskriv forankringen hvis den finnes. Det er ikke nødvendig å ha en handlingsplan for å
    # søke (rundskrivet, «Satsingsområde 5, særlige vilkår»).
    message=_(
        "The work should be part of the municipality's plans, with concrete measures; describe "
        "the anchoring if there is one. An action plan is not needed to apply (the circular, "
        "“Focus area 5, special conditions”)."
    ),
    advice=True,
)
EMPLOYEE_INVOLVEMENT = Required(
    "area_specific",
    # nb: Tiltak rettet mot kommunen som arbeidsplass bør involvere de ansatte i utviklingen og
    # gjennomføringen; beskriv hvordan (rundskrivet, «Satsingsområde 5»).
    message=_(
        "Measures aimed at the municipality as a workplace should involve the employees in "
        "developing and carrying them out; describe how (the circular, “Focus area 5”)."
    ),
    advice=True,
)

# The curricula condition holds "for deltakere med rett til opplæring i norsk- og
# samfunnskunnskap": only a project with such training declares it.
NORWEGIAN_TRAINING_BOXES = ("includes_norwegian_training", "has_norwegian_training")


def _declaration(message: Promise) -> Required:
    return Required("declarations", message=message)


STEPS: tuple[Step, ...] = (
    Step(
        "basics",
        _("Basics"),
        _("The project"),
        (
            Field("title", required=FILL_IN_HOW),
            Field("summary", required=FILL_IN_HOW),
            Field("goals", required=FILL_IN_HOW),
            Field("target_group", required=FILL_IN_HOW),
        ),
    ),
    Step(
        "description",
        _("Project description and criteria"),
        _("Project description and criteria"),
        (
            Field("activities", required=FILL_IN_CRITERIA),
            Field(
                "purpose_fit",
                _("Is the project in line with the scheme's purpose and focus areas?"),
                required=FILL_IN_CRITERIA,
            ),
            Field(
                "implementation_capacity",
                _(
                    "Can the project show that it will carry out its activities, and how far "
                    "will they reach the scheme's goals?"
                ),
                required=FILL_IN_CRITERIA,
            ),
            Field(
                "transfer_value",
                _(
                    "How far can the knowledge, methods and products be transferred to other "
                    "municipalities?"
                ),
                required=FILL_IN_CRITERIA,
            ),
            Field(
                "products_free",
                _(
                    "After the project, its products must be free for other municipalities, "
                    "county municipalities and organisations."
                ),
                required=FILL_IN_CONDITIONS,
            ),
        ),
    ),
    Step(
        "budget",
        _("Participants, period and budget"),
        _("Participants and period"),
        (
            # At least ten, and one to three years: rules.check_participants and
            # rules.check_project_period.
            Field("participants", _("At least ten.")),
            Field("prioritised_groups"),
            Field(
                "project_start",
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                required=PROJECT_START,
            ),
            Field("project_years", _("One to three years.")),
        ),
    ),
    Step(
        "partners",
        _("Partners, cooperation and earlier projects"),
        _("Cooperation"),
        (
            Field("voluntary_organisations"),
            Field("voluntary_funded_by_imdi"),
            Field("university_supervisor", _("Institution and name, if the project has one.")),
            Field(
                "other_actors",
                # nb: For eksempel Nav, politiet og Skatteetaten (velkomsttilbud) eller
                # helseaktører (psykisk støtte).
                _(
                    "For example NAV, the police and the Tax Administration (welcome services), "
                    "or health actors (psychological support)."
                ),
            ),
        ),
    ),
    Step(
        "area",
        _("Focus area"),
        _("Focus area"),
        (
            Field("has_social_entrepreneur", kinds=INNOVATION),
            Field("entrepreneur_name", required=ENTREPRENEUR_NAME_AND_FORM, kinds=INNOVATION),
            Field(
                "entrepreneur_organisation_number",
                _("Nine digits."),
                form_field=OrganisationNumberField,
                required=ENTREPRENEUR_ORGANISATION_NUMBER,
                kinds=INNOVATION,
            ),
            Field("entrepreneur_form", required=ENTREPRENEUR_NAME_AND_FORM, kinds=INNOVATION),
            Field(
                "entrepreneur_no_dividends", required=ENTREPRENEUR_NO_DIVIDENDS, kinds=INNOVATION
            ),
            Field(
                "entrepreneur_business_model",
                required=ENTREPRENEUR_BUSINESS_MODEL,
                kinds=INNOVATION,
            ),
            # At most 1 G per participant per year: rules.check_participant_allowance.
            Field("allowance_participants", kinds=INNOVATION),
            Field("allowance_months", kinds=INNOVATION),
            Field(
                "allowance_monthly_amount",
                # nb: Deltakere × måneder × beløp per måned; høyst 1 G per deltaker per år, med den
                # G som gjelder på hver dag av prosjektet (G endres 1. mai hvert år). Bare i
                # prosjekter med en sosial entreprenør.
                _(
                    "Participants × months × amount per month; at most 1 G per participant per "
                    "year, with the G in force on each day of the project (G changes every 1 "
                    "May). Only in projects with a social entrepreneur."
                ),
                form_field=MoneyField,
                kinds=INNOVATION,
            ),
            Field("has_norwegian_training", kinds=INNOVATION),
            Field("curriculum_tie", required=CURRICULUM_TIE, kinds=INNOVATION),
            Field("right_to_training", required=RIGHT_TO_TRAINING, kinds=INNOVATION),
            Field("supportive_not_treatment", required=NOT_TREATMENT, kinds=PSYCHOLOGICAL_SUPPORT),
            Field("local_characteristics", required=LOCAL_MEASURE, kinds=PSYCHOLOGICAL_SUPPORT),
            Field(
                "interdisciplinary_cooperation",
                required=LOCAL_MEASURE,
                kinds=PSYCHOLOGICAL_SUPPORT,
            ),
            Field("regional_dialogue", required=REGIONAL_DIALOGUE, kinds=WELCOME_SERVICES),
            Field("plan_anchoring", required=PLAN_ANCHORING, kinds=DIVERSITY),
            Field("employee_involvement", required=EMPLOYEE_INVOLVEMENT, kinds=DIVERSITY),
        ),
    ),
    Step(
        "declarations",
        _("Declarations and attachments"),
        _("Declarations"),
        (
            Field(
                "declares_no_ordinary_operation",
                required=_declaration(
                    # nb: Bekreft at midlene ikke skal finansiere ordinær drift (rundskrivet,
                    # «Vilkår for å få tilskudd»).
                    _(
                        "Confirm that the funds will not finance ordinary operation (the "
                        "circular, “Conditions for a grant”)."
                    )
                ),
            ),
            Field("includes_norwegian_training"),
            Field(
                "declares_curricula",
                # nb: Bare for prosjekter som gir opplæring i norsk eller samfunnskunnskap.
                _("Only for projects that give training in Norwegian or social studies."),
                required=Required(
                    "declarations",
                    # nb: Bekreft at opplæringen i norsk følger læreplanene og gis av eller med
                    # en kvalifisert lærer (rundskrivet, «Vilkår for å få tilskudd»).
                    message=_(
                        "Confirm that Norwegian training follows the curricula and is given by "
                        "or with a qualified teacher (the circular, “Conditions for a grant”)."
                    ),
                    when=NORWEGIAN_TRAINING_BOXES,
                ),
            ),
            Field(
                "declares_products_free",
                required=_declaration(
                    # nb: Bekreft at produktene fra prosjektet blir fritt tilgjengelige for
                    # andre (rundskrivet, «Vilkår for å få tilskudd»).
                    _(
                        "Confirm that the project's products will be free for others (the "
                        "circular, “Conditions for a grant”)."
                    )
                ),
            ),
            Field(
                "exemption_status",
                required=_declaration(
                    # nb: Oppgi om prosjektet trenger unntak etter integreringsloven § 38
                    # (rundskrivet, «Vilkår for å få tilskudd»).
                    _(
                        "State whether the project needs an exemption under the Integration "
                        "Act § 38 (the circular, “Conditions for a grant”)."
                    )
                ),
            ),
        ),
    ),
    Step("review", _("Review and submit")),
)

STEP_BY_SLUG = {step.slug: step for step in STEPS}
STEP_SLUGS = tuple(STEP_BY_SLUG)


@cache
def editable_fields(kind: str) -> frozenset[str]:
    """The fields an applicant may change on a draft under an area of ``kind``; status, case
    number and who handed over or submitted when are not among them."""
    return frozenset(name for step in STEPS for name in step.field_names(kind))


class FieldRule(NamedTuple):
    """One "fill this in" problem to look for: the step it links to and the fields it covers."""

    step: str
    required: Required
    fields: tuple[str, ...]


@cache
def field_rules(kind: str) -> tuple[FieldRule, ...]:
    """The declared requirements under an area of ``kind``, in the form's order; fields sharing
    a ``Required`` with a message make one."""
    found: dict[object, FieldRule] = {}
    for step in STEPS:
        for field in step.fields_for(kind):
            required = field.required
            if required is None:
                continue
            key = id(required) if required.message is not None else (id(required), field.name)
            rule = found.get(key)
            fields = (*rule.fields, field.name) if rule else (field.name,)
            found[key] = FieldRule(step.slug, required, fields)
    return tuple(found.values())
