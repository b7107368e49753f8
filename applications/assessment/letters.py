"""The development grant's letters: the award letter is the grant's letter (``grants``), with the
parts registered here (``SchemeParts``); refusal and dismissal letters are this app's own
``DecisionLetter``. Each is rendered from a template in the recipient's written standard; a
preview renders the same template without storing anything."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from grants.models import Grant, GrantLetter
from grants.services import grant_letter_pdf
from imdi_grants.lib.deadlines import today_in_oslo

from .models import Decision, DecisionLetter


def _decision_of(grant: Grant) -> Decision:
    """The award behind a grant: its own, or for a later year of a multi-year project the award
    of the project's first year."""
    decision = Decision.objects.select_related("application__focus_area").filter(grant=grant)
    first = (
        decision.first()
        or Decision.objects.select_related("application__focus_area")
        .filter(grant__planned_years__continued_as=grant)
        .first()
    )
    if first is None:
        raise Decision.DoesNotExist(grant.pk)
    return first


def award_letter_details(grant: Grant) -> dict[str, Any]:
    """What the award letter says about the project, taken when the letter is issued, so the
    letter and the pages showing it say what was issued whatever changes later."""
    decision = _decision_of(grant)
    application = decision.application
    area = application.focus_area
    return {
        "title": application.title,
        "summary": application.summary,
        "goals": application.goals,
        "focus_area_number": area.number,
        "focus_area": {"nb": area.name, "nn": area.name_nn or area.name},
        "special_conditions": decision.special_conditions,
        "project_years": application.project_years or 1,
        "includes_norwegian_training": application.includes_norwegian_training,
        "planned_years": [
            {"year": planned.year, "amount": str(planned.amount)}
            for planned in grant.planned_years.order_by("year")
        ],
        "report_deadlines": [
            {"kind": deadline.kind, "due": str(deadline.due_date)}
            for deadline in grant.scheme_year.report_deadlines.order_by("due_date")
        ],
    }


def award_letter_context(letter: GrantLetter) -> dict[str, Any]:
    details = letter.details or {}
    language = "nn" if letter.language == "nn" else "nb"
    return {
        "project": details,
        "focus_area_name": (details.get("focus_area") or {}).get(language, ""),
        "report_dates": [
            {"kind": row["kind"], "due": dt.date.fromisoformat(row["due"])}
            for row in details.get("report_deadlines", [])
        ],
        "planned": [
            {"year": row["year"], "amount": row["amount"]}
            for row in details.get("planned_years", [])
        ],
    }


def award_case_url(grant: Grant) -> str:
    return reverse("assessment:decision", args=[_decision_of(grant).application_id])


def award_letter_preview(*, decision: Decision) -> bytes:
    """The award letter as it would read if sent today, for checking before the batch goes."""
    grant = decision.grant
    scheme_year = grant.scheme_year
    today = today_in_oslo()
    letter = GrantLetter(
        grant=grant,
        version=1,
        amount=grant.amount,
        signed_by=scheme_year.budget_authority_name,
        signer_title=scheme_year.budget_authority_title,
        language=grant.organisation.letter_language,
        sent_on=today,
        acceptance_deadline=today + dt.timedelta(days=scheme_year.acceptance_window_days),
        details=award_letter_details(grant),
    )
    return grant_letter_pdf(letter=letter)


def decision_letter_pdf(*, letter: DecisionLetter) -> bytes:
    """A refusal or dismissal letter, in the recipient's written standard."""
    from weasyprint import HTML

    decision = letter.decision
    application = decision.case
    with translation.override(letter.language):
        html = render_to_string(
            "assessment/letters/decision.html",
            {
                "letter": letter,
                "decision": decision,
                "application": application,
                "organisation": application.organisation,
                "scheme_year": application.scheme_year,
                "focus_area": application.focus_area,
            },
        )
    return HTML(string=html).write_pdf()


def decision_letter_preview(
    *, application: Any, kind: str, grounds: str, rules_applied: str = ""
) -> bytes:
    """A dismissal or refusal letter as it would read if sent today; nothing is stored."""
    scheme_year = application.scheme_year
    decision = Decision(
        application=application, kind=kind, grounds=grounds, rules_applied=rules_applied
    )
    letter = DecisionLetter(
        decision=decision,
        language=application.organisation.letter_language,
        signed_by=scheme_year.budget_authority_name,
        signer_title=scheme_year.budget_authority_title,
        sent_on=today_in_oslo(),
    )
    return decision_letter_pdf(letter=letter)
