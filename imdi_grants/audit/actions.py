"""The audit action codes and how each reads to a person.

Every ``audit_log`` call names one of these codes; a code missing here shows as itself, and a test
makes sure none is missing.
"""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "imdi.organisation.changed": _("Organisation details changed"),
    "imdi.invitation.created": _("User invited"),
    "imdi.invitation.sent": _("Invitation e-mail sent"),
    "imdi.scheme_year.changed": _("Yearly scheme configuration changed"),
}


def action_display(code: str) -> str:
    return str(ACTIONS.get(code, code))
