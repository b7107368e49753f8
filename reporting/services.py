"""The report's state machine: due → submitted → approved, or sent back and submitted again.

Half-yearly and annual reports are owed from the moment a grant is accepted; the annual report's
project accounts are approved first by the project lead and then by the project lead's manager,
two different people, before it can be submitted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import Grant, GrantStatus
from imdi_grants.accounts.models import User
from imdi_grants.audit.services import audit_log
from imdi_grants.lib.deadlines import today_in_oslo
from imdi_grants.lib.uploads import upload_check, upload_quarantine_log
from imdi_grants.lib.workflow import Workflow, lock, require, require_actor
from imdi_grants.outbox.services import organisation_notify
from schemes.models import ReportKind

from . import access
from .models import MANDATORY_COMPONENTS, Report, ReportActivity, ReportStatus

S = ReportStatus

REPORT_FLOW = Workflow(
    noun=_("The report"),
    statuses=ReportStatus,
    transitions={
        (S.DUE, S.SUBMITTED): access.can_fill,
        (S.RETURNED, S.SUBMITTED): access.can_fill,
        (S.SUBMITTED, S.APPROVED): access.can_review,
        (S.SUBMITTED, S.RETURNED): access.can_review,
    },
)

REPORT_FIELDS = ("participants", "narrative", "income", "expenses")
ACCOUNTS_FIELDS = ("income", "expenses")
APPROVAL_FIELDS = [
    "project_lead_approved_by",
    "project_lead_approved_at",
    "manager_approved_by",
    "manager_approved_at",
]
REPORT_RELATED = ("grant__organisation", "grant__scheme_year__scheme")


def _log(report: Report, action: str, by: User) -> None:
    """An audit entry for a step that does not change the report's status."""
    audit_log(
        subject=report.grant,
        action=action,
        actor=by,
        organisation=report.grant.organisation,
        data={"report": report.pk, "kind": report.kind},
    )


def _approvals_clear(report: Report) -> None:
    report.project_lead_approved_by = report.manager_approved_by = None
    report.project_lead_approved_at = report.manager_approved_at = None


def reports_create_for_grant(*, grant: Grant) -> list[Report]:
    """Create the reports a grant owes, from its year's report deadlines; idempotent. A report
    period without its own start begins when the grant does."""
    made = []
    for deadline in grant.scheme_year.report_deadlines.all():
        report, created = Report.objects.get_or_create(
            grant=grant,
            kind=deadline.kind,
            period_start=deadline.period_start or grant.starts_on,
            defaults={
                "period_end": deadline.period_end or deadline.due_date,
                "due_date": deadline.due_date,
            },
        )
        if created:
            made.append(report)
    return made


def _editable(report: Report, by: User) -> None:
    require_actor(access.can_fill(by, report))
    require(
        report.is_open_for_filling,
        _("The report has been submitted and can no longer be changed."),
    )


def report_save(
    *,
    report: Report,
    by: User,
    fields: dict[str, object],
    activities: dict[str, tuple[int, str]],
    accounts_file: UploadedFile | None = None,
) -> Report:
    """Save what the municipality has filled in so far (nothing is lost on a later error). A
    change to the accounts (income, expenses, the accounts form) takes back any approval of them;
    saving the same accounts again, as the page does before submitting, keeps the approvals.

    The accounts form is checked and scanned before the row lock (clamd may take seconds) and
    stored under a name of our own; a quarantined one is kept but counts as missing."""
    _editable(report, by)
    checked = upload_check(accounts_file, allowed=("xlsx",)) if accounts_file else None
    with transaction.atomic():
        report = lock(report, *REPORT_RELATED)
        _editable(report, by)
        accounts_changed = checked is not None or any(
            key in fields and getattr(report, key) != fields[key] for key in ACCOUNTS_FIELDS
        )
        for key in REPORT_FIELDS:
            if key in fields:
                setattr(report, key, fields[key])
        update = list(REPORT_FIELDS)
        if checked is not None:
            checked.store(report.accounts_file)
            report.accounts_file_original_name = checked.name
            scan_fields = checked.scan.fields(prefix="accounts_file_")
            for key, value in scan_fields.items():
                setattr(report, key, value)
            update += ["accounts_file", "accounts_file_original_name", *scan_fields]
            upload_quarantine_log(
                checked=checked, subject=report.grant, by=by, organisation=report.grant.organisation
            )
        if accounts_changed and report.project_lead_approved_by_id is not None:
            _approvals_clear(report)
            update += APPROVAL_FIELDS
            _log(report, "imdi.report.accounts_approvals_withdrawn", by)
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
    for component in MANDATORY_COMPONENTS if report.has_programme_components else ():
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
    if report.kind == ReportKind.STATUS and not report.narrative.strip():
        problems.append(
            str(_("Describe how the project is being carried out: what is done and what is not."))
        )
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
        elif report.manager_approved_by_id == report.project_lead_approved_by_id:
            problems.append(
                str(_("The project lead and the manager who approve must be two different people."))
            )
        if report.needs_accounts_form and report.accounts_file_quarantined:
            problems.append(
                str(
                    _(
                        "The uploaded accounts form is quarantined and does not count: the "
                        "check of uploaded files found macros or a virus in it, or could not "
                        "read it. Upload a clean copy of IMDi's reporting form for accounts."
                    )
                )
            )
        elif report.needs_accounts_form and not report.accounts_file:
            problems.append(
                str(
                    _(
                        "Upload the project accounts on IMDi's reporting form for accounts "
                        "(Rundskriv 06/2024 point 9.1)."
                    )
                )
            )
    if today_in_oslo() < report.period_start:
        problems.append(
            str(
                _("The report period begins %(day)s; the report cannot be submitted before.")
                % {"day": report.period_start.strftime("%d.%m.%Y")}
            )
        )
    return problems


@transaction.atomic
def report_approve_accounts(*, report: Report, by: User, as_role: str) -> Report:
    """The project lead approves the project accounts, then the project lead's manager: two
    different people, each recorded with time."""
    report = lock(report, *REPORT_RELATED)
    _editable(report, by)
    require(report.needs_accounts_approval, _("This report has no project accounts to approve."))
    now = timezone.now()
    if as_role == "project_lead":
        require(
            report.manager_approved_by_id != by.pk,
            _("The project lead's approval must come from someone other than the manager."),
        )
        # A new approval by the project lead needs the manager's approval again.
        _approvals_clear(report)
        report.project_lead_approved_by, report.project_lead_approved_at = by, now
        action = "imdi.report.accounts_approved_by_project_lead"
    elif as_role == "manager":
        require(
            report.project_lead_approved_by_id is not None,
            _("The project lead must approve the accounts first."),
        )
        require(
            report.project_lead_approved_by_id != by.pk,
            _("The manager's approval must come from someone other than the project lead."),
        )
        report.manager_approved_by, report.manager_approved_at = by, now
        action = "imdi.report.accounts_approved_by_manager"
    else:
        raise ValueError(f"Unknown approver role {as_role!r}")
    report.save(update_fields=APPROVAL_FIELDS)
    _log(report, action, by)
    return report


@transaction.atomic
def report_submit(*, report: Report, by: User) -> Report:
    report = lock(report, *REPORT_RELATED)
    _editable(report, by)
    problems = report_problems(report)
    require(not problems, " ".join(problems))
    report.submitted_by, report.submitted_at = by, timezone.now()
    REPORT_FLOW.move(
        report,
        S.SUBMITTED,
        by=by,
        action="imdi.report.submitted",
        organisation=report.grant.organisation,
        subject=report.grant,
        fields=["submitted_by", "submitted_at"],
        data={"report": report.pk, "kind": report.kind},
    )
    return report


@transaction.atomic
def report_review(*, report: Report, by: User, approve: bool, comment: str = "") -> Report:
    """A caseworker approves a submitted report or sends it back with a comment."""
    report = lock(report, *REPORT_RELATED)
    require_actor(access.can_review(by, report))
    require(
        approve or bool(comment.strip()),
        _("Say what must be corrected when sending a report back."),
    )
    report.reviewed_by, report.reviewed_at, report.review_comment = by, timezone.now(), comment
    REPORT_FLOW.move(
        report,
        S.APPROVED if approve else S.RETURNED,
        by=by,
        action="imdi.report.approved" if approve else "imdi.report.returned",
        organisation=report.grant.organisation,
        subject=report.grant,
        fields=["reviewed_by", "reviewed_at", "review_comment"],
        reason=comment,
        data={"report": report.pk, "kind": report.kind},
    )
    if not approve:
        _tell_returned(report)
    return report


def _tell_returned(report: Report) -> None:
    """E-mail the organisation's users that a report came back, with IMDi's comment."""
    organisation_notify(
        organisation=report.grant.organisation,
        key=f"report-returned:{report.pk}:{report.reviewed_at:%Y%m%d%H%M%S%f}",
        template="reporting/email/returned",
        context={
            "report": report,
            "grant": report.grant,
            "link": settings.PORTAL_BASE_URL + reverse("reporting:report_detail", args=[report.pk]),
        },
    )


def accounts_file_downloaded(*, report: Report, by: User) -> None:
    audit_log(
        subject=report.grant,
        action="imdi.security.attachment_downloaded",
        actor=by,
        organisation=report.grant.organisation,
        data={"report": report.pk, "file": report.accounts_file_name},
    )


def report_balance(report: Report) -> Decimal | None:
    if report.income is None or report.expenses is None:
        return None
    return report.income - report.expenses


def accounts_files_remove(*, closed_before: dt.date) -> int:
    """Remove the uploaded accounts forms of grants closed before ``closed_before`` (the archive
    period has passed); the report's figures, the decision and the letters stay."""
    from imdi_grants.lib.files import delete_after_commit

    removed = 0
    reports = (
        Report.objects.filter(
            grant__status=GrantStatus.CLOSED, grant__closing_letter__sent_on__lt=closed_before
        )
        .exclude(accounts_file="")
        .values_list("pk", flat=True)
    )
    for pk in list(reports[:500]):
        with transaction.atomic():
            report = lock(Report.objects.get(pk=pk), *REPORT_RELATED)
            if not report.accounts_file:
                continue
            old = report.accounts_file
            audit_log(
                subject=report.grant,
                action="imdi.retention.accounts_file_removed",
                actor=None,
                organisation=report.grant.organisation,
                data={"report": report.pk, "kind": report.kind, "file": report.accounts_file_name},
            )
            report.accounts_file = ""
            report.save(update_fields=["accounts_file"])
            delete_after_commit([old])
            removed += 1
    return removed
