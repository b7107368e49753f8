"""IMDi's letters on an appeal, rendered in the organisation's written standard."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from .models import AppealLetter
from .services import appeal_scheme_year


def appeal_letter_pdf(*, letter: AppealLetter) -> bytes:
    from weasyprint import HTML

    appeal = letter.appeal
    decision, reaction = appeal.decision, appeal.reaction
    with translation.override(letter.language):
        html = render_to_string(
            "appeals/letters/appeal.html",
            {
                "letter": letter,
                "appeal": appeal,
                "decision": decision,
                "reaction": reaction,
                "case_number": decision.case.case_number
                if decision
                else reaction.grant.case_number,
                "decided_on": decision.letter.sent_on if decision else reaction.sent_on,
                "organisation": appeal.organisation,
                "scheme_year": appeal_scheme_year(appeal),
            },
        )
    return HTML(string=html).write_pdf()
