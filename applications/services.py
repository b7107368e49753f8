"""Writes to development-grant applications; every state change happens here.

Each transition: guard → ``select_for_update`` → ``save(update_fields=…)`` → audit entry → tasks
after commit. The transitions allowed are data (``TRANSITIONS``), checked explicitly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from imdi_grants.accounts.access import is_member, is_signatory
from imdi_grants.accounts.models import Organisation, User
from imdi_grants.audit.services import audit_log, case_number_next
from imdi_grants.lib.deadlines import is_before_deadline, last_moment
from imdi_grants.lib.tasks import enqueue
from imdi_grants.lib.uploads import sniff
from schemes.models import FocusArea, SchemeYear
from schemes.selectors import focus_area_is_open_to

from .models import (
    Application,
    Attachment,
    BudgetLine,
    EarlierProject,
    FundingYear,
    Receipt,
    Status,
)
from .rules import application_problems, check_focus_area
from .selectors import application_for_receipt, application_summary, budget_years

TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SUBMITTED},
    # Reopening by a caseworker takes a submitted application back to a draft.
    Status.SUBMITTED: {Status.DRAFT},
}

# The fields an applicant may change on a draft; status, case number and people are not here.
EDITABLE_FIELDS = frozenset(
    {
        "title",
        "summary",
        "goals",
        "target_group",
        "activities",
        "purpose_fit",
        "implementation_capacity",
        "transfer_value",
        "products_free",
        "participants",
        "prioritised_groups",
        "project_start",
        "project_years",
        "voluntary_organisations",
        "voluntary_funded_by_imdi",
        "university_supervisor",
        "other_actors",
        "has_social_entrepreneur",
        "entrepreneur_name",
        "entrepreneur_organisation_number",
        "entrepreneur_form",
        "entrepreneur_no_dividends",
        "entrepreneur_business_model",
        "allowance_participants",
        "allowance_months",
        "allowance_monthly_amount",
        "has_norwegian_training",
        "curriculum_tie",
        "right_to_training",
        "supportive_not_treatment",
        "local_characteristics",
        "interdisciplinary_cooperation",
        "regional_dialogue",
        "plan_anchoring",
        "employee_involvement",
        "declares_no_ordinary_operation",
        "declares_curricula",
        "declares_products_free",
        "exemption_status",
    }
)

MAX_ATTACHMENT_SIZE = 20 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _assert_transition(application: Application, target: str) -> None:
    if target not in TRANSITIONS.get(application.status, set()):
        raise ValidationError(
            # nb: Søknaden kan ikke gå fra «%(from)s» til «%(to)s».
            _("The application cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(application.status).label, "to": Status(target).label},
            code="transition_not_allowed",
        )


def _assert_editable(application: Application, by: User) -> None:
    """A draft, and a member of the organisation with project responsibility."""
    if not is_member(by, application.organisation):
        raise PermissionDenied
    if application.status != Status.DRAFT:
        raise ValidationError(
            # nb: Søknaden er sendt inn og kan ikke endres. Kontakt IMDi om den må åpnes igjen.
            _(
                "The application is submitted and can no longer be changed. Contact IMDi if "
                "it needs to be reopened."
            ),
            code="application_frozen",
        )


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("organisation", "focus_area", "scheme_year")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_create(
    *, organisation: Organisation, focus_area: FocusArea, by: User
) -> Application:
    """Start a draft under a focus area open to the organisation in an open round."""
    if not is_member(by, organisation):
        raise PermissionDenied
    scheme_year: SchemeYear = focus_area.scheme_year
    if not (
        scheme_year.application_deadline and is_before_deadline(scheme_year.application_deadline)
    ):
        raise ValidationError(
            # nb: Søknadsfristen for denne runden er ute.
            _("The application deadline of this round has passed."),
            code="deadline_passed",
        )
    if not focus_area_is_open_to(focus_area, organisation):
        probe = Application(focus_area=focus_area, organisation=organisation)
        raise ValidationError(check_focus_area(probe)[0].message, code="focus_area_closed")
    application = Application.objects.create(
        scheme_year=scheme_year, focus_area=focus_area, organisation=organisation, created_by=by
    )
    audit_log(
        subject=application,
        action="imdi.application.created",
        actor=by,
        organisation=organisation,
        new_status=application.status,
        data={"focus_area": focus_area.number, "year": scheme_year.year},
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
    """
    fields = fields or {}
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    application = _lock(application)
    _assert_editable(application, by)
    changed = [name for name, value in fields.items() if getattr(application, name) != value]
    for name in changed:
        setattr(application, name, fields[name])
    if step:
        draft_input = dict(application.draft_input)
        if raw_input is None:
            draft_input.pop(step, None)
        else:
            draft_input[step] = raw_input
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


@transaction.atomic
def application_hand_over(*, application: Application, by: User) -> Application:
    """An applicant marks the draft ready for a signatory to approve and submit."""
    application = _lock(application)
    _assert_editable(application, by)
    application.handed_over_at = timezone.now()
    application.handed_over_by = by
    application.save(update_fields=["handed_over_at", "handed_over_by", "updated_at"])
    audit_log(
        subject=application,
        action="imdi.application.handed_over",
        actor=by,
        organisation=application.organisation,
    )
    return application


@transaction.atomic
def application_submit(
    *, application: Application, by: User, at: dt.datetime | None = None
) -> Application:
    """Approve and submit: only a signatory of the organisation with project responsibility,
    before the deadline (end of the day, Oslo time), with every rule met. The application is
    frozen, gets a case number (saksnummer), and a task renders and sends its receipt."""
    at = at or timezone.now()
    application = _lock(application)
    if not is_signatory(by, application.organisation):
        raise PermissionDenied(
            # nb: Bare den som har signaturrett for søkeren, kan godkjenne og sende inn.
            _("Only a signatory of the applicant may approve and submit.")
        )
    _assert_transition(application, Status.SUBMITTED)
    deadline = application.scheme_year.application_deadline
    if deadline is None or not is_before_deadline(deadline, at=at):
        raise ValidationError(
            # nb: Søknadsfristen var %(deadline)s. Søknaden kan ikke lenger sendes inn.
            _("The application deadline was %(deadline)s. The application can no longer be sent.")
            % {"deadline": f"{last_moment(deadline):%d.%m.%Y %H:%M:%S}" if deadline else "–"},
            code="deadline_passed",
        )
    problems = application_problems(application=application)
    if problems:
        raise ValidationError([p.message for p in problems], code="rules_not_met")
    old_status = application.status
    application.status = Status.SUBMITTED
    application.submitted_at = at
    application.submitted_by = by
    application.submission_count += 1
    application.draft_input = {}
    update_fields = ["status", "submitted_at", "submitted_by", "submission_count", "draft_input"]
    if not application.case_number:
        application.case_number = case_number_next(year=application.scheme_year.year)
        update_fields.append("case_number")
    application.save(update_fields=[*update_fields, "updated_at"])
    audit_log(
        subject=application,
        action="imdi.application.submitted",
        actor=by,
        organisation=application.organisation,
        old_status=old_status,
        new_status=application.status,
        data={"case_number": application.case_number, "submission": application.submission_count},
    )
    from .tasks import receipt_render

    enqueue(receipt_render, application.pk)
    return application


@transaction.atomic
def application_reopen(*, application: Application, by: User, reason: str) -> Application:
    """A caseworker takes a submitted application back to a draft so the applicant can change
    it; the case number stays."""
    if not (by.is_authenticated and (by.is_caseworker or by.is_administrator)):
        raise PermissionDenied
    if not reason.strip():
        # nb: Oppgi hvorfor søknaden åpnes igjen.
        raise ValidationError(_("Give a reason for reopening the application."), code="reason")
    application = _lock(application)
    _assert_transition(application, Status.DRAFT)
    old_status = application.status
    application.status = Status.DRAFT
    application.handed_over_at = None
    application.handed_over_by = None
    application.save(update_fields=["status", "handed_over_at", "handed_over_by", "updated_at"])
    audit_log(
        subject=application,
        action="imdi.application.reopened",
        actor=by,
        organisation=application.organisation,
        old_status=old_status,
        new_status=application.status,
        reason=reason.strip(),
    )
    return application


# --- Attachments ------------------------------------------------------------------------------


KIND_TO_CONTENT_TYPE = {"pdf": PDF, "docx": DOCX, "xlsx": XLSX}


def attachment_content_type(*, uploaded: UploadedFile) -> str:
    """Check an upload by its content and size; return its content type or raise a
    ValidationError in the user's language."""
    if uploaded.size is not None and uploaded.size > MAX_ATTACHMENT_SIZE:
        raise ValidationError(
            # nb: «%(name)s» er for stor. Et vedlegg kan være høyst 20 MB.
            _("“%(name)s” is too large. An attachment may be at most 20 MB.")
            % {"name": uploaded.name},
            code="too_large",
        )
    content_type = KIND_TO_CONTENT_TYPE.get(sniff(uploaded) or "")
    if content_type is None:
        raise ValidationError(
            # nb: «%(name)s» er ikke en PDF-, Word- (DOCX) eller Excel-fil (XLSX). Filen er
            # sjekket etter innholdet, ikke etter navnet.
            _(
                "“%(name)s” is not a PDF, Word (DOCX) or Excel (XLSX) file. Files are checked "
                "by their content, not by their name."
            )
            % {"name": uploaded.name},
            code="file_type",
        )
    return content_type


@transaction.atomic
def attachment_add(*, application: Application, by: User, uploaded: UploadedFile) -> Attachment:
    """Store an attachment under MEDIA_ROOT with its checksum."""
    application = _lock(application)
    _assert_editable(application, by)
    content_type = attachment_content_type(uploaded=uploaded)
    data = uploaded.read()
    digest = hashlib.sha256(data).hexdigest()
    name = (uploaded.name or "vedlegg").rsplit("/", 1)[-1][-150:]
    attachment = Attachment(
        application=application,
        original_name=name,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        uploaded_by=by,
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    audit_log(
        subject=application,
        action="imdi.application.attachment_added",
        actor=by,
        organisation=application.organisation,
        data={"name": name, "sha256": digest, "size": len(data)},
    )
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by: User) -> None:
    application = _lock(attachment.application)
    _assert_editable(application, by)
    name = attachment.original_name
    attachment.file.delete(save=False)
    attachment.delete()
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
    if application.status != Status.SUBMITTED or application.submission_count == 0:
        return None
    receipt = application.receipts.filter(version=application.submission_count).first()
    if receipt is not None and receipt.emailed_at is not None:
        return receipt
    application = application_for_receipt(pk=application_id)
    language = application.organisation.letter_language
    with translation.override(language):
        if receipt is None:
            html = render_to_string(
                "applications/receipt.html",
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
                f"kvittering-{application.case_number}-{receipt.version}.pdf",
                ContentFile(pdf),
                save=False,
            )
            receipt.save()
        recipients = _receipt_recipients(application)
        if recipients:
            context = {"application": application, "portal_name": settings.PORTAL_NAME}
            subject = render_to_string("applications/email/receipt_subject.txt", context).strip()
            body = render_to_string("applications/email/receipt_body.txt", context)
            message = EmailMessage(subject, body, None, recipients)
            receipt.file.open("rb")
            try:
                message.attach(receipt.file.name.rsplit("/", 1)[-1], receipt.file.read(), PDF)
            finally:
                receipt.file.close()
            message.send()
    receipt.emailed_at = timezone.now()
    receipt.save(update_fields=["emailed_at"])
    audit_log(
        subject=application,
        action="imdi.application.receipt_sent",
        actor=None,
        organisation=application.organisation,
        data={"version": receipt.version, "sha256": receipt.sha256, "to": recipients},
    )
    return receipt
