"""Writes to development-grant applications; every state change happens here.

The application's state machine is one ``Workflow`` (``APPLICATION_FLOW``): a draft is submitted
by a signatory of the responsible organisation, and IMDi staff reopen a submitted application as
a draft. Every move goes through ``APPLICATION_FLOW.move``, which saves, writes the audit entry and
enqueues the follow-up tasks after commit. Every service checks its actor's right on ``by`` itself
and refuses with a ``DomainError``, so a command or a beat job is held to the same rules as a page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants.services import case_number_next
from imdi_grants.accounts.models import MembershipRole, Organisation, User
from imdi_grants.audit.services import audit_log
from imdi_grants.lib.deadlines import is_before_deadline, last_moment, today_in_oslo
from imdi_grants.lib.files import delete_after_commit
from imdi_grants.lib.pending import stuck_before
from imdi_grants.lib.tasks import sweep
from imdi_grants.lib.uploads import CONTENT_TYPES, sniff, upload_quarantine_log, upload_scan
from imdi_grants.lib.workflow import DomainError, Workflow, lock, require, require_actor
from imdi_grants.outbox.services import organisation_notify
from schemes.models import FocusArea, SchemeYear
from schemes.selectors import focus_area_is_open_to

from . import access
from .models import (
    Application,
    Attachment,
    BudgetLine,
    EarlierProject,
    FundingYear,
    ImpartialityDeclaration,
    Receipt,
    Status,
)
from .rules import Problem, application_problems, check_focus_area
from .selectors import (
    application_for_receipt,
    application_summary,
    budget_years,
    organisation_has_signatory,
)
from .steps import editable_fields

APPLICATION_FLOW = Workflow(
    noun=gettext_lazy("The application"),
    statuses=Status,
    transitions={
        (Status.DRAFT, Status.SUBMITTED): access.is_responsible_signatory,
        # Reopening takes a submitted application back to a draft; the case number stays.
        (Status.SUBMITTED, Status.DRAFT): access.is_impartial,
        # The formal check (formell kontroll): passed, or dismissed (avvisning, fvl § 2 b).
        (Status.SUBMITTED, Status.IN_ASSESSMENT): access.is_impartial,
        (Status.SUBMITTED, Status.DISMISSED): access.is_impartial,
        (Status.IN_ASSESSMENT, Status.DISMISSED): access.is_impartial,
        # A dismissal reversed on appeal (by IMDi, or by AID) sends the case back to assessment.
        (Status.DISMISSED, Status.IN_ASSESSMENT): access.is_impartial,
        # The decision on the merits: award (tilsagn) or refusal (avslag).
        (Status.IN_ASSESSMENT, Status.AWARDED): access.can_decide,
        (Status.IN_ASSESSMENT, Status.REFUSED): access.can_decide,
    },
)

RELATED = ("organisation", "focus_area", "scheme_year")

MAX_ATTACHMENT_SIZE = 20 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RulesNotMet(DomainError):
    """Submission refused: rules of the checklist are not met. ``messages`` has one line per
    problem, for showing them as a list."""

    def __init__(self, problems: list[Problem]) -> None:
        self.messages = [problem.message for problem in problems]
        super().__init__(" ".join(self.messages))


def _require_editable(application: Application, by: User | None) -> None:
    """A draft, and a member of the organisation with project responsibility."""
    require_actor(access.is_responsible_member(by, application))
    require(
        application.is_draft,
        # nb: Søknaden er sendt inn og kan ikke endres. Kontakt IMDi om den må åpnes igjen.
        _(
            "The application is submitted and can no longer be changed. Contact IMDi if "
            "it needs to be reopened."
        ),
    )


@transaction.atomic
def application_create(
    *, organisation: Organisation, focus_area: FocusArea, by: User
) -> Application:
    """Start a draft under a focus area open to the organisation in an open round."""
    require_actor(access.is_applicant(by, organisation))
    scheme_year: SchemeYear = focus_area.scheme_year
    require(
        bool(
            scheme_year.application_deadline
            and is_before_deadline(scheme_year.application_deadline)
        ),
        # nb: Søknadsfristen for denne runden er ute.
        _("The application deadline of this round has passed."),
    )
    if not focus_area_is_open_to(focus_area, organisation):
        probe = Application(focus_area=focus_area, organisation=organisation)
        raise DomainError(check_focus_area(probe)[0].message)
    application = Application.objects.create(
        scheme_year=scheme_year, focus_area=focus_area, organisation=organisation, created_by=by
    )
    audit_log(
        subject=application,
        action="imdi.application.created",
        actor=by,
        organisation=organisation,
        new_status=application.status,
        data={"focus_area": focus_area.number, "kind": focus_area.kind, "year": scheme_year.year},
    )
    return application


@dataclass(frozen=True)
class BudgetInput:
    """The whole budget as the form gives it: funding per year and the cost lines."""

    funding: list[dict[str, Any]]
    lines: list[dict[str, Any]]


@transaction.atomic
def application_update_draft(
    *,
    application: Application,
    by: User,
    fields: dict[str, Any] | None = None,
    partners: list[Organisation] | None = None,
    budget: BudgetInput | None = None,
    earlier_projects: list[dict[str, Any]] | None = None,
    step: str = "",
    raw_input: dict[str, list[str]] | None = None,
) -> Application:
    """Save what a step of the form gives, also when it did not validate.

    Valid values go to their fields; the raw input of a step that did not validate is kept in
    ``draft_input`` under the step, so that nothing typed is ever lost. A valid step clears it.
    Only the fields the form declares for the application's focus area can be changed.
    """
    fields = fields or {}
    application = lock(application, *RELATED)
    _require_editable(application, by)
    unknown = set(fields) - editable_fields(application.focus_area.kind)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(application, name) != value]
    for name in changed:
        setattr(application, name, fields[name])
    if step:
        draft_input = dict(application.draft_input)
        if raw_input is None:
            draft_input.pop(step, None)
        else:
            # Kept as typed, but capped: at most 200 values of 10,000 characters per field,
            # without NUL characters (which PostgreSQL's JSON refuses).
            draft_chars, draft_values = 10_000, 200
            draft_input[step] = {
                key[:200].replace("\x00", ""): [
                    str(value)[:draft_chars].replace("\x00", "") for value in values[:draft_values]
                ]
                for key, values in raw_input.items()
            }
        if draft_input != application.draft_input:
            application.draft_input = draft_input
            changed.append("draft_input")
    application.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
    if partners is not None:
        application.partners.set([org for org in partners if org.pk != application.organisation_id])
    if budget is not None:
        application.funding_years.all().delete()
        FundingYear.objects.bulk_create(
            FundingYear(application=application, **row) for row in budget.funding
        )
        application.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(application=application, **row) for row in budget.lines
        )
    if earlier_projects is not None:
        application.earlier_projects.all().delete()
        EarlierProject.objects.bulk_create(
            EarlierProject(application=application, **row) for row in earlier_projects
        )
    return application


# nb: Organisasjonen har ingen signaturberettiget i portalen ennå, så ingen kan godkjenne og
# sende inn søknaden. Be IMDi invitere kommunedirektøren (eller fylkeskommunedirektøren) eller
# en ansatt med fullmakt som signaturberettiget, med navn og e-postadresse. Søknaden er lagret
# som utkast i mellomtiden.
NO_SIGNATORY = gettext_lazy(
    "The organisation has no signatory in the portal yet, so nobody can approve and submit the "
    "application. Ask IMDi to invite the municipal (or county) director or an employee with "
    "authority as signatory, with their name and e-mail address. The application is kept as a "
    "draft meanwhile."
)


@transaction.atomic
def application_hand_over(*, application: Application, by: User) -> Application:
    """An applicant marks the draft ready for a signatory to approve and submit; refused when
    the organisation has no signatory, since nobody could then act on it."""
    application = lock(application, *RELATED)
    _require_editable(application, by)
    require(organisation_has_signatory(organisation=application.organisation), NO_SIGNATORY)
    application.handed_over_at = timezone.now()
    application.handed_over_by = by
    application.save(update_fields=["handed_over_at", "handed_over_by", "updated_at"])
    audit_log(
        subject=application,
        action="imdi.application.handed_over",
        actor=by,
        organisation=application.organisation,
    )
    organisation_notify(
        organisation=application.organisation,
        key=f"handed-over:{application.pk}:{application.handed_over_at:%Y%m%d%H%M%S%f}",
        template="development/email/handed_over",
        context={
            "application": application,
            "handed_over_by": by,
            "link": settings.PORTAL_BASE_URL + reverse("development:submit", args=[application.pk]),
        },
        roles=[MembershipRole.SIGNATORY],
    )
    return application


@transaction.atomic
def application_submit(
    *, application: Application, by: User, at: dt.datetime | None = None
) -> Application:
    """Approve and submit: only a signatory of the organisation with project responsibility,
    before the deadline (end of the day, Oslo time), with every rule met. The application is
    frozen, gets a case number (saksnummer), and a task renders and sends its receipt."""
    from .tasks import receipt_render

    at = at or timezone.now()
    application = lock(application, *RELATED)
    APPLICATION_FLOW.check(application, Status.SUBMITTED, by=by)
    deadline = application.submission_deadline
    require(
        deadline is not None and is_before_deadline(deadline, at=at),
        # nb: Søknadsfristen var %(deadline)s. Søknaden kan ikke lenger sendes inn.
        _("The application deadline was %(deadline)s. The application can no longer be sent.")
        % {"deadline": f"{last_moment(deadline):%d.%m.%Y %H:%M:%S}" if deadline else "–"},
    )
    problems = application_problems(application=application)
    if problems:
        raise RulesNotMet(problems)
    application.submitted_at = at
    application.submitted_by = by
    application.submission_count += 1
    application.draft_input = {}
    fields = ["submitted_at", "submitted_by", "submission_count", "draft_input", "updated_at"]
    if not application.case_number:
        application.case_number = case_number_next(year=application.scheme_year.year)
        fields.append("case_number")
    APPLICATION_FLOW.move(
        application,
        Status.SUBMITTED,
        by=by,
        action="imdi.application.submitted",
        organisation=application.organisation,
        fields=fields,
        data={"case_number": application.case_number, "submission": application.submission_count},
        follow_up=[(receipt_render, application.pk)],
    )
    return application


@transaction.atomic
def impartiality_declare(
    *, application: Application, by: User, has_conflict: bool, explanation: str = ""
) -> ImpartialityDeclaration:
    """A member of staff declares whether they have a conflict of interest with the applicant
    or its partners (habilitet, fvl § 6). "No conflict" may later become a conflict; a declared
    conflict stands, and keeps them out of the case."""
    application = lock(application, *RELATED)
    require_actor(access.can_declare(by, application))
    explanation = explanation.strip()
    require(
        not has_conflict or bool(explanation),
        # nb: Beskriv kort hva som gjør deg inhabil.
        _("Describe briefly what gives you a conflict of interest."),
    )
    declaration = ImpartialityDeclaration.objects.filter(application=application, user=by).first()
    if declaration is not None and declaration.has_conflict:
        raise DomainError(
            # nb: Du har allerede erklært deg inhabil i denne saken.
            _("You have already declared a conflict of interest in this case."),
            code="stale",
        )
    if declaration is None:
        declaration = ImpartialityDeclaration(application=application, user=by)
    declaration.has_conflict = has_conflict
    declaration.explanation = explanation
    declaration.save()
    audit_log(
        subject=application,
        action=(
            "imdi.application.conflict_declared"
            if has_conflict
            else "imdi.application.impartiality_confirmed"
        ),
        actor=by,
        organisation=application.organisation,
        reason=explanation,
    )
    return declaration


@transaction.atomic
def application_reopen(
    *, application: Application, by: User, reason: str, deadline: dt.date | None
) -> Application:
    """IMDi staff take a submitted application back to a draft so the applicant can correct
    it; the case number stays, the next submission gets its own receipt, and the reopening
    carries its own dated deadline for submitting again (the round's may have passed)."""
    application = lock(application, *RELATED)
    APPLICATION_FLOW.check(application, Status.DRAFT, by=by)
    # nb: Oppgi hvorfor søknaden åpnes igjen.
    require(bool(reason.strip()), _("Give a reason for reopening the application."))
    require(
        deadline is not None and deadline >= today_in_oslo(),
        # nb: Oppgi en ny frist for å sende inn søknaden igjen, i dag eller senere.
        _("Give a new deadline for submitting the application again, today or later."),
    )
    application.resubmission_deadline = deadline
    application.handed_over_at = None
    application.handed_over_by = None
    APPLICATION_FLOW.move(
        application,
        Status.DRAFT,
        by=by,
        action="imdi.application.reopened",
        organisation=application.organisation,
        fields=["resubmission_deadline", "handed_over_at", "handed_over_by", "updated_at"],
        reason=reason.strip(),
        data={"deadline": str(deadline)},
    )
    return application


# --- Attachments ------------------------------------------------------------------------------


def attachment_kind(*, uploaded: UploadedFile) -> str:
    """Check an upload by its content and size; return its type (``pdf``, ``docx``, ``xlsx``)
    or refuse it with a message in the user's language."""
    require(
        uploaded.size is None or uploaded.size <= MAX_ATTACHMENT_SIZE,
        # nb: «%(name)s» er for stor. Et vedlegg kan være høyst 20 MB.
        _("“%(name)s” is too large. An attachment may be at most 20 MB.") % {"name": uploaded.name},
    )
    kind = sniff(uploaded)
    require(
        kind in CONTENT_TYPES,
        # nb: «%(name)s» er ikke en PDF-, Word- (DOCX) eller Excel-fil (XLSX). Filen er
        # sjekket etter innholdet, ikke etter navnet.
        _(
            "“%(name)s” is not a PDF, Word (DOCX) or Excel (XLSX) file. Files are checked "
            "by their content, not by their name."
        )
        % {"name": uploaded.name},
    )
    return kind


def attachment_add(*, application: Application, by: User, uploaded: UploadedFile) -> Attachment:
    """Store an attachment under a name of our own with its checksum and scan result.

    The scan runs before the row lock (clamd may take seconds on a large file). A quarantined
    file is kept, so IMDi can see what was sent, but it cannot be downloaded; the view tells the
    uploader why (``imdi_grants.lib.uploads.scan_feedback``)."""
    _require_editable(application, by)
    checked = upload_scan(uploaded, kind=attachment_kind(uploaded=uploaded))
    with transaction.atomic():
        application = lock(application, *RELATED)
        _require_editable(application, by)
        attachment = Attachment(
            application=application,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=by,
            **checked.scan.fields(),
        )
        checked.store(attachment.file)
        attachment.save()
        audit_log(
            subject=application,
            action="imdi.application.attachment_added",
            actor=by,
            organisation=application.organisation,
            data={
                "name": checked.name,
                "sha256": checked.sha256,
                "size": checked.size,
                "scan": checked.scan.status,
            },
        )
        upload_quarantine_log(
            checked=checked, subject=application, by=by, organisation=application.organisation
        )
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by: User) -> None:
    application = lock(attachment.application, *RELATED)
    _require_editable(application, by)
    name = attachment.original_name
    attachment.delete()
    delete_after_commit([attachment.file])
    audit_log(
        subject=application,
        action="imdi.application.attachment_deleted",
        actor=by,
        organisation=application.organisation,
        data={"name": name},
    )


# --- The receipt (kvittering) -----------------------------------------------------------------


def _receipt_recipients(application: Application) -> list[str]:
    addresses = [application.organisation.email]
    if application.submitted_by is not None:
        addresses.append(application.submitted_by.email)
    return list(dict.fromkeys(a for a in addresses if a))


@transaction.atomic
def receipt_render_and_send(*, application_id: int) -> Receipt | None:
    """Render the receipt of the latest submission as a PDF in the organisation's written
    standard, store it with its checksum and e-mail it; once per submission.

    The row lock and the unique (application, version) row make a repeated task a no-op.
    """
    application = Application.objects.select_for_update().get(pk=application_id)
    # Once submitted, the receipt is owed whatever happened since (a formal check, a decision).
    if application.status == Status.DRAFT or application.submission_count == 0:
        return None
    receipt = application.receipts.filter(version=application.submission_count).first()
    if receipt is not None and receipt.emailed_at is not None:
        return receipt
    application = application_for_receipt(pk=application_id)
    language = application.organisation.letter_language
    with translation.override(language):
        if receipt is None:
            html = render_to_string(
                "development/receipt.html",
                {
                    "application": application,
                    "portal_name": settings.PORTAL_NAME,
                    "summary": application_summary(application=application),
                    "budget_years": budget_years(application=application),
                },
            )
            # Imported here: WeasyPrint loads Pango, which only the worker needs.
            from weasyprint import HTML

            pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
            receipt = Receipt(
                application=application,
                version=application.submission_count,
                sha256=hashlib.sha256(pdf).hexdigest(),
                language=language,
            )
            receipt.file.save(
                f"kvittering-{application.case_number.replace('/', '-')}-{receipt.version}.pdf",
                ContentFile(pdf),
                save=False,
            )
            receipt.save()
        recipients = _receipt_recipients(application)
        if recipients:
            context = {"application": application, "portal_name": settings.PORTAL_NAME}
            subject = render_to_string("development/email/receipt_subject.txt", context).strip()
            body = render_to_string("development/email/receipt_body.txt", context)
            message = EmailMessage(subject, body, None, recipients)
            receipt.file.open("rb")
            try:
                message.attach(receipt.file.name.rsplit("/", 1)[-1], receipt.file.read(), PDF)
            finally:
                receipt.file.close()
            message.send()
    receipt.emailed_at = timezone.now()
    receipt.save(update_fields=["emailed_at"])
    Application.objects.filter(pk=application.pk, receipt_version__lt=receipt.version).update(
        receipt_version=receipt.version
    )
    audit_log(
        subject=application,
        action="imdi.application.receipt_sent",
        actor=None,
        organisation=application.organisation,
        data={"version": receipt.version, "sha256": receipt.sha256, "to": recipients},
    )
    return receipt


def receipts_sweep(*, now: dt.datetime | None = None) -> int:
    """Render again the receipts still not made or e-mailed some minutes after a submission
    (the broker was down, a worker died); run every few minutes by beat."""
    from .selectors import receipts_stuck
    from .tasks import receipt_render

    stuck = receipts_stuck(before=stuck_before(now)).order_by("submitted_at")
    return sweep(receipt_render, stuck.values_list("pk", flat=True))


# --- Retention -----------------------------------------------------------------------------------


def drafts_expired_delete(*, deadline_before: dt.date) -> int:
    """Delete the drafts never submitted to rounds whose application deadline was before
    ``deadline_before``: they can never be sent, and what they hold is the organisation's own
    unfinished work. Each goes with its attachments and an audit entry saying what went."""
    count = 0
    expired = Application.objects.filter(
        status=Status.DRAFT, scheme_year__application_deadline__lt=deadline_before
    ).values_list("pk", flat=True)
    for pk in list(expired[:500]):
        with transaction.atomic():
            application = (
                Application.objects.select_for_update(of=("self",))
                .select_related("organisation", "scheme_year", "focus_area")
                .filter(pk=pk, status=Status.DRAFT)
                .first()
            )
            if application is None:  # submitted or deleted meanwhile
                continue
            files = [attachment.file for attachment in application.attachments.all()]
            audit_log(
                subject=application,
                action="imdi.retention.draft_deleted",
                actor=None,
                organisation=application.organisation,
                data={
                    "year": application.scheme_year.year,
                    "focus_area": application.focus_area.number,
                    "created": application.created_at.date().isoformat(),
                    "attachments": len(files),
                },
            )
            application.delete()
            delete_after_commit(files)
            count += 1
    return count


@transaction.atomic
def attachments_remove(*, application: Application, reason: str) -> int:
    """Remove the uploaded attachments of a closed case whose archive period has passed; the
    audit entry keeps what they were (name, size, checksum), the decision and letters stay."""
    attachments = list(application.attachments.all())
    if not attachments:
        return 0
    audit_log(
        subject=application,
        action="imdi.retention.attachments_removed",
        actor=None,
        organisation=application.organisation,
        reason=reason,
        data={
            "attachments": [
                {"name": a.original_name, "size": a.size, "sha256": a.sha256} for a in attachments
            ]
        },
    )
    application.attachments.all().delete()
    delete_after_commit([attachment.file for attachment in attachments])
    return len(attachments)
