"""The report's state machine: due → submitted → approved, or sent back and submitted again.

Half-yearly and annual reports are owed from the moment a grant is accepted; the annual report's
project accounts are approved first by the project lead and then by the project lead's manager,
two different people, before it can be submitted.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imdi_grants.accounts.access import is_member
from imdi_grants.accounts.models import User
from imdi_grants.audit.services import audit_log

from .models import MANDATORY_COMPONENTS, Report, ReportActivity, ReportStatus

S = ReportStatus
TRANSITIONS: dict[str, set[str]] = {
    S.DUE: {S.SUBMITTED},
    S.SUBMITTED: {S.APPROVED, S.RETURNED},
    S.RETURNED: {S.SUBMITTED},
    S.APPROVED: set(),
}

REPORT_FIELDS = ("participants", "narrative", "income", "expenses")


class ReportError(Exception):
    """A rule refuses the action; the message is for the person who tried."""


def _move(report: Report, to: str) -> str:
    old = report.status
    if to not in TRANSITIONS[old]:
        raise ReportError(
            _("The report cannot go from “%(old)s” to “%(new)s”.")
            % {"old": ReportStatus(old).label, "new": ReportStatus(to).label}
        )
    report.status = to
    return old


def _lock(report: Report) -> Report:
    return (
        Report.objects.select_for_update()
        .select_related("reception_grant__organisation")
        .get(pk=report.pk)
    )


def _log(report: Report, action: str, by: User, old: str = "", reason: str = "") -> None:
    audit_log(
        subject=report.reception_grant,
        action=action,
        actor=by,
        organisation=report.reception_grant.organisation,
        old_status=old,
        new_status=report.status if old else "",
        reason=reason,
        data={"report": report.pk, "kind": report.kind},
    )


def reports_create_for_grant(*, grant) -> list[Report]:
    """Create the reports a grant owes, from its year's report deadlines; idempotent."""
    made = []
    for deadline in grant.scheme_year.report_deadlines.all():
        report, created = Report.objects.get_or_create(
            reception_grant=grant,
            kind=deadline.kind,
            period_start=deadline.period_start or grant.agreement.start_date,
            defaults={
                "period_end": deadline.period_end or deadline.due_date,
                "due_date": deadline.due_date,
            },
        )
        if created:
            made.append(report)
    return made


def _editable(report: Report, by: User) -> None:
    if not is_member(by, report.reception_grant.organisation):
        raise ReportError(_("Only the municipality's own users can fill in its reports."))
    if report.status not in (S.DUE, S.RETURNED):
        raise ReportError(_("The report has been submitted and can no longer be changed."))


@transaction.atomic
def report_save(
    *,
    report: Report,
    by: User,
    fields: dict[str, object],
    activities: dict[str, tuple[int, str]],
    accounts_file=None,
) -> Report:
    """Save what the municipality has filled in so far (nothing is lost on a later error)."""
    report = _lock(report)
    _editable(report, by)
    for key in REPORT_FIELDS:
        if key in fields:
            setattr(report, key, fields[key])
    update = list(REPORT_FIELDS)
    if accounts_file is not None:
        report.accounts_file = accounts_file
        update.append("accounts_file")
    # A change to the accounts takes back any approval of them.
    report.project_lead_approved_by = report.manager_approved_by = None
    report.project_lead_approved_at = report.manager_approved_at = None
    update += [
        "project_lead_approved_by",
        "project_lead_approved_at",
        "manager_approved_by",
        "manager_approved_at",
    ]
    report.save(update_fields=update)
    for component, (participants, description) in activities.items():
        ReportActivity.objects.update_or_create(
            report=report,
            component=component,
            defaults={"participants": participants, "description": description},
        )
    return report


def report_problems(report: Report) -> list[str]:
    """What is missing before the report can be submitted."""
    problems = []
    if report.participants is None:
        problems.append(str(_("Give the number of participants.")))
    lines = {a.component: a for a in report.activities.all()}
    for component in MANDATORY_COMPONENTS:
        line = lines.get(component)
        if line is None or not line.description.strip():
            problems.append(
                str(
                    _("Describe the activities in %(component)s (mandatory).")
                    % {"component": component.label.lower()}
                )
            )
    if report.income is None or report.expenses is None:
        problems.append(str(_("Fill in the accounts: booked income and expenses.")))
    if report.needs_accounts_approval:
        if not report.narrative.strip():
            problems.append(
                str(
                    _(
                        "Describe how the work contributed to the result goals and how the "
                        "grant was used."
                    )
                )
            )
        if report.manager_approved_at is None:
            problems.append(
                str(
                    _(
                        "The project accounts must be approved by the project lead and their "
                        "manager."
                    )
                )
            )
    return problems


@transaction.atomic
def report_approve_accounts(*, report: Report, by: User, as_role: str) -> Report:
    """The project lead approves the project accounts, then the project lead's manager: two
    different people, each recorded with time."""
    report = _lock(report)
    _editable(report, by)
    if not report.needs_accounts_approval:
        raise ReportError(_("This report has no project accounts to approve."))
    now = timezone.now()
    if as_role == "project_lead":
        report.project_lead_approved_by, report.project_lead_approved_at = by, now
        action = "imdi.report.accounts_approved_by_project_lead"
    elif as_role == "manager":
        if report.project_lead_approved_by_id is None:
            raise ReportError(_("The project lead must approve the accounts first."))
        if report.project_lead_approved_by_id == by.pk:
            raise ReportError(
                _("The manager's approval must come from someone other than the project lead.")
            )
        report.manager_approved_by, report.manager_approved_at = by, now
        action = "imdi.report.accounts_approved_by_manager"
    else:
        raise ValueError(as_role)
    report.save(
        update_fields=[
            "project_lead_approved_by",
            "project_lead_approved_at",
            "manager_approved_by",
            "manager_approved_at",
        ]
    )
    _log(report, action, by)
    return report


@transaction.atomic
def report_submit(*, report: Report, by: User) -> Report:
    report = _lock(report)
    _editable(report, by)
    problems = report_problems(report)
    if problems:
        raise ReportError(" ".join(problems))
    old = _move(report, S.SUBMITTED)
    report.submitted_by, report.submitted_at = by, timezone.now()
    report.save(update_fields=["status", "submitted_by", "submitted_at"])
    _log(report, "imdi.report.submitted", by, old)
    return report


@transaction.atomic
def report_review(*, report: Report, by: User, approve: bool, comment: str = "") -> Report:
    """A caseworker approves a submitted report or sends it back with a comment."""
    report = _lock(report)
    if not by.is_imdi_staff:
        raise ReportError(_("Only IMDi can review reports."))
    if not approve and not comment.strip():
        raise ReportError(_("Say what must be corrected when sending a report back."))
    old = _move(report, S.APPROVED if approve else S.RETURNED)
    report.reviewed_by, report.reviewed_at, report.review_comment = by, timezone.now(), comment
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    _log(
        report,
        "imdi.report.approved" if approve else "imdi.report.returned",
        by,
        old,
        reason=comment,
    )
    return report


def report_balance(report: Report) -> Decimal | None:
    if report.income is None or report.expenses is None:
        return None
    return report.income - report.expenses
