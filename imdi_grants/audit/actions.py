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
    "imdi.scheme_year.amended": _("Year amended after its grant letters"),
    "imdi.scheme_year.copied": _("Yearly configuration copied to the next year for review"),
    "imdi.scheme_year.published": _("Yearly configuration published"),
    # Development-grant applications (applications/development/services.py)
    "imdi.application.created": _("Application started"),
    "imdi.application.handed_over": _("Application handed over for approval"),
    "imdi.application.submitted": _("Application approved and submitted"),
    "imdi.application.reopened": _("Application reopened"),
    "imdi.application.attachment_added": _("Attachment added"),
    "imdi.application.attachment_deleted": _("Attachment deleted"),
    "imdi.application.receipt_sent": _("Receipt sent"),
    "imdi.application.impartiality_confirmed": _("No conflict of interest declared"),
    "imdi.application.conflict_declared": _("Conflict of interest declared"),
    # Assessment of development-grant applications (applications/assessment/services.py)
    "imdi.assessment.formal_check_passed": _("Formal check passed: to assessment"),
    "imdi.assessment.dismissed": _("Application dismissed"),
    "imdi.assessment.assigned": _("Assessor assigned"),
    "imdi.assessment.unassigned": _("Assessor removed"),
    "imdi.assessment.score_submitted": _("Score submitted"),
    "imdi.assessment.agreed": _("Agreed score set"),
    "imdi.assessment.comment_added": _("Internal comment added"),
    "imdi.assessment.amount_proposed": _("Amount proposed"),
    "imdi.assessment.awarded": _("Grant awarded"),
    "imdi.assessment.refused": _("Application refused"),
    "imdi.assessment.allocation_finalised": _("Allocation of the focus area made final"),
    "imdi.assessment.budget_moved": _("Funds moved between focus areas"),
    "imdi.assessment.decision_letter_sent": _("Decision letter sent"),
    "imdi.assessment.dismissal_reversed": _("Dismissal reversed: back to assessment"),
    "imdi.assessment.year_continued": _("Next year of the project awarded"),
    # The integration reception grant
    "imdi.reception.agreement_registered": _("Integration reception agreement registered"),
    "imdi.reception.places_changed": _("Number of places changed"),
    "imdi.reception.agreement_end_changed": _("End date of the agreement changed"),
    "imdi.reception.partnership_registered": _("Partnership agreement registered"),
    "imdi.reception.offered": _("Offer sent"),
    "imdi.reception.acceptance_letter_submitted": _("Acceptance letter submitted"),
    "imdi.reception.granted": _("Grant decided on the acceptance letter"),
    "imdi.reception.change_requested": _("Change of the basis for the grant requested"),
    "imdi.reception.change_approved": _("Change request approved"),
    "imdi.reception.change_refused": _("Change request refused"),
    # Grants, both schemes (grants/services.py)
    "imdi.grant.created": _("Grant decided"),
    "imdi.grant.letter_issued": _("Grant letter issued"),
    "imdi.grant.letter_changed": _("Changed grant letter issued"),
    "imdi.grant.letter_sent": _("Grant letter sent to the recipient"),
    "imdi.grant.letter_superseded": _("Grant letter replaced by a later version"),
    "imdi.grant.letter_accepted": _("Grant letter accepted"),
    "imdi.grant.letter_lapsed": _("Grant letter not accepted in time"),
    "imdi.grant.accepted": _("Grant accepted"),
    "imdi.grant.lapsed": _("Grant lapsed: not accepted in time"),
    "imdi.grant.reopened": _("Lapsed grant reopened"),
    "imdi.grant.payment_proposed": _("Payment proposed on a payment list"),
    "imdi.grant.payment_approved": _("Payment approved"),
    "imdi.grant.payment_disbursed": _("Payment confirmed paid out by the accounting system"),
    "imdi.grant.payment_rejected": _("Payment list rejected: the payment is planned again"),
    "imdi.grant.paid": _("Grant paid in full"),
    "imdi.grant.repayment_recorded": _("Repayment recorded"),
    "imdi.grant.reaction_proposed": _("Withholding or reclaim proposed"),
    "imdi.grant.reaction_decided": _("Withholding or reclaim decided"),
    "imdi.grant.reaction_rejected": _("Proposed withholding or reclaim rejected"),
    "imdi.grant.reaction_letter_sent": _("Letter on withholding or reclaim sent"),
    "imdi.grant.reaction_reversed": _("Withholding or reclaim reversed on appeal"),
    "imdi.grant.closed": _("Grant closed"),
    # Appeals (applications/appeals/services.py)
    "imdi.appeal.lodged": _("Appeal lodged"),
    "imdi.appeal.reversed": _("Appeal upheld by IMDi: the decision is reversed"),
    "imdi.appeal.forwarded": _("Appeal sent to the Ministry (AID)"),
    "imdi.appeal.decided": _("The Ministry's (AID) decision on the appeal recorded"),
    "imdi.appeal.letter_sent": _("Letter on the appeal sent"),
    # Retention (imdi_grants/lib/retention.py and each app's retention.py)
    "imdi.retention.draft_deleted": _("Draft never submitted deleted: its round closed long ago"),
    "imdi.retention.attachments_removed": _("Attachments removed: the archive period has passed"),
    "imdi.retention.accounts_file_removed": _(
        "Accounts form removed: the archive period has passed"
    ),
    # Reports
    "imdi.report.submitted": _("Report submitted"),
    "imdi.report.accounts_approved_by_project_lead": _("Project accounts approved by project lead"),
    "imdi.report.accounts_approved_by_manager": _("Project accounts approved by manager"),
    "imdi.report.accounts_approvals_withdrawn": _(
        "Approvals of the project accounts withdrawn: the accounts changed"
    ),
    "imdi.report.approved": _("Report approved"),
    "imdi.report.returned": _("Report sent back"),
    # Security: accounts and downloads (accounts/adapters.py, the download views)
    "imdi.security.login": _("Logged in"),
    "imdi.security.login_failed": _("Failed login"),
    "imdi.security.login_unconfirmed": _("Login refused: the e-mail address is not confirmed"),
    "imdi.security.logout": _("Logged out"),
    "imdi.security.session_expired": _("Session expired and logged out"),
    "imdi.security.user_deactivated": _("User deactivated and logged out everywhere"),
    "imdi.security.letter_downloaded": _("Grant letter downloaded"),
    "imdi.security.receipt_downloaded": _("Receipt downloaded"),
    "imdi.security.decision_letter_downloaded": _("Decision letter downloaded"),
    "imdi.security.reaction_letter_downloaded": _("Letter on withholding or reclaim downloaded"),
    "imdi.security.appeal_letter_downloaded": _("Letter on an appeal downloaded"),
    "imdi.security.audit_exported": _("Audit trail exported"),
    "imdi.security.organisations_exported": _("Organisations exported (with bank accounts)"),
    "imdi.security.export_requested": _("Export requested"),
    "imdi.security.export_downloaded": _("Export downloaded"),
    "imdi.security.staff_access_changed": _("Staff role or admin rights changed"),
    "imdi.organisation.membership_changed": _("Who may act for the organisation changed"),
    "imdi.security.queue_exported": _("Application queue exported"),
    "imdi.security.attachment_downloaded": _("Attachment downloaded"),
    "imdi.security.upload_quarantined": _("Uploaded file quarantined (active content or virus)"),
    "imdi.security.payments_exported": _("Payment list exported"),
}


def action_display(code: str) -> str:
    return str(ACTIONS.get(code, code))


# Status codes of every state machine, registered by each app's AppConfig.ready().
_STATUS_LABELS: dict[str, object] = {}


def register_statuses(choices) -> None:
    for value, label in choices.choices:
        _STATUS_LABELS.setdefault(value, label)


def status_display(code: str) -> str:
    return str(_STATUS_LABELS.get(code, code))
