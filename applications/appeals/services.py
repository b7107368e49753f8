"""Writes of appeals; the appeal's state machine is ``APPEAL_FLOW``.

An organisation's signatory lodges an appeal against a dismissal or a decided reaction. The
deadline is computed from the day the decision reached the organisation (the letter first opened
in the portal, else the assumed day of delivery), moved past weekends and public holidays; a late
appeal is flagged, not refused. IMDi reverses its decision (the dismissed application goes back
to assessment; a reaction is lifted) or forwards the case to AID and records AID's outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.assessment.models import Decision, DecisionKind
from applications.assessment.services import dismissal_reverse
from grants.models import Reaction, ReactionStatus
from grants.registry import scheme_parts
from grants.services import letter_signer, reaction_reverse
from imdi_grants.accounts.access import is_signatory
from imdi_grants.accounts.models import Organisation, User
from imdi_grants.audit.services import audit_log
from imdi_grants.lib.deadlines import appeal_deadline, today_in_oslo
from imdi_grants.lib.pdfs import pdf_store
from imdi_grants.lib.pending import stuck_before
from imdi_grants.lib.tasks import sweep
from imdi_grants.lib.uploads import upload_check, upload_quarantine_log
from imdi_grants.lib.workflow import DomainError, Workflow, lock, require, require_actor
from imdi_grants.outbox.services import organisation_notify
from schemes.models import SchemeYear

from .models import (
    AidOutcome,
    Appeal,
    AppealAttachment,
    AppealLetter,
    AppealLetterKind,
    AppealStatus,
)

A = AppealStatus


def _staff(user: User | None, appeal: object = None) -> bool:
    return user is not None and user.is_authenticated and user.is_imdi_staff


APPEAL_FLOW = Workflow(
    noun=gettext_lazy("The appeal"),
    statuses=AppealStatus,
    transitions={
        (A.LODGED, A.REVERSED): _staff,
        (A.LODGED, A.FORWARDED): _staff,
        (A.FORWARDED, A.DECIDED): _staff,
    },
)

#: Days after sending that a letter never opened in the portal is taken to have arrived.
ASSUMED_DELIVERY_DAYS = 7


def received_on(*, sent_on: dt.date | None, opened_on: dt.date | None) -> dt.date:
    """The day the decision reached the organisation: the day its letter was first opened in
    the portal, or at the latest the assumed day of delivery after sending."""
    require(sent_on is not None, _("The decision letter has not been sent yet."))
    assumed = sent_on + dt.timedelta(days=ASSUMED_DELIVERY_DAYS)
    return min(opened_on, assumed) if opened_on else assumed


def appeal_target(
    decision: Decision | None, reaction: Reaction | None
) -> tuple[Organisation, dt.date]:
    """Check the decision may be appealed; return its organisation and the day it was received."""
    if decision is not None:
        require(
            decision.kind == DecisionKind.DISMISSAL,
            _(
                "There is no right of appeal against the award or refusal of a grant (the Public "
                "Administration Act §§ 3 first paragraph and 28). Only a dismissal, or a "
                "withholding or reclaim, may be appealed."
            ),
        )
        require(decision.application_id is not None, _("The dismissal has been reversed."))
        letter = getattr(decision, "letter", None)
        require(letter is not None, _("The decision letter has not been sent yet."))
        return decision.application.organisation, received_on(
            sent_on=letter.sent_on, opened_on=letter.opened_on
        )
    require(reaction is not None, _("Choose the decision you appeal."))
    require(
        reaction.status == ReactionStatus.APPROVED,
        _("Only a decided withholding or reclaim may be appealed."),
    )
    try:
        appealable = scheme_parts(scheme_code=reaction.grant.scheme_code).reactions_appealable
    except LookupError:
        appealable = False
    require(
        appealable,
        _("A decision under this scheme is not an individual decision and cannot be appealed."),
    )
    return reaction.grant.organisation, received_on(
        sent_on=reaction.sent_on, opened_on=reaction.opened_on
    )


@transaction.atomic
def appeal_lodge(
    *,
    by: User,
    text: str,
    decision: Decision | None = None,
    reaction: Reaction | None = None,
    files: Iterable[UploadedFile] = (),
    today: dt.date | None = None,
) -> Appeal:
    """A signatory of the organisation lodges an appeal with its reasons and attachments."""
    organisation, received = appeal_target(decision, reaction)
    require_actor(by.is_authenticated and is_signatory(by, organisation))
    require(bool(text.strip()), _("Write what you appeal and why."))
    # Checked and scanned before anything is written (a ValidationError says why one is refused).
    checked_files = [upload_check(upload, allowed=("pdf", "docx")) for upload in files]
    require(
        not Appeal.objects.filter(decision=decision, reaction=reaction)
        .exclude(status=A.DECIDED)
        .exists(),
        _("This decision has already been appealed; IMDi is handling the appeal."),
        code="stale",
    )
    day = today or today_in_oslo()
    # Lodging an appeal shows the decision had arrived, even before its assumed delivery day.
    received = min(received, day)
    deadline = appeal_deadline(received)
    appeal = Appeal.objects.create(
        organisation=organisation,
        decision=decision,
        reaction=reaction,
        text=text.strip(),
        received_on=received,
        deadline=deadline,
        is_late=day > deadline,
        lodged_by=by,
    )
    for checked in checked_files:
        attachment = AppealAttachment(
            appeal=appeal,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            **checked.scan.fields(),
        )
        checked.store(attachment.file)
        attachment.save()
        upload_quarantine_log(checked=checked, subject=appeal, by=by, organisation=organisation)
    audit_log(
        subject=appeal,
        action="imdi.appeal.lodged",
        actor=by,
        organisation=organisation,
        new_status=appeal.status,
        data={
            "received_on": str(received),
            "deadline": str(deadline),
            "late": appeal.is_late,
            "attachments": appeal.attachments.count(),
        },
    )
    _notify(appeal, "lodged")
    return appeal


def appeal_scheme_year(appeal: Appeal) -> SchemeYear:
    """The scheme year of the decision appealed: its budget authority signs IMDi's letters."""
    if appeal.decision_id:
        return appeal.decision.case.scheme_year
    return appeal.reaction.grant.scheme_year


def _letter_new(appeal: Appeal, kind: str) -> AppealLetter:
    """The step's letter, signed by the year's budget authority; made once per kind."""
    signed_by, signer_title = letter_signer(scheme_year=appeal_scheme_year(appeal))
    letter, _created = AppealLetter.objects.get_or_create(
        appeal=appeal,
        kind=kind,
        defaults={
            "language": appeal.organisation.letter_language,
            "signed_by": signed_by,
            "signer_title": signer_title,
        },
    )
    return letter


def _deliver_after_commit(letter: AppealLetter) -> tuple[Any, int]:
    from .tasks import appeal_letter_deliver

    return (appeal_letter_deliver, letter.pk)


#: The step each letter tells the organisation about (the e-mail's wording).
LETTER_STEP = {AppealLetterKind.REVERSAL: "reversed", AppealLetterKind.FORWARDING: "forwarded"}


def _letter_locked(letter_id: int) -> AppealLetter:
    return (
        AppealLetter.objects.select_for_update(of=("self",))
        .select_related(
            "appeal__organisation",
            "appeal__decision__application__scheme_year",
            "appeal__decision__reversed_from__scheme_year",
            "appeal__reaction__grant__scheme_year",
        )
        .get(pk=letter_id)
    )


@transaction.atomic
def appeal_letter_send(*, letter_id: int, on: dt.date | None = None) -> bool:
    """Date the letter and tell the organisation's users once; the PDF is rendered after, with
    that date."""
    letter = _letter_locked(letter_id)
    if letter.sent_on is not None:
        return False
    letter.sent_on = on or today_in_oslo()
    letter.save(update_fields=["sent_on"])
    _notify(letter.appeal, LETTER_STEP[letter.kind])
    audit_log(
        subject=letter.appeal,
        action="imdi.appeal.letter_sent",
        actor=None,
        organisation=letter.appeal.organisation,
        data={"kind": letter.kind, "sent_on": str(letter.sent_on)},
    )
    return True


@transaction.atomic
def appeal_letter_render(*, letter_id: int) -> bool:
    """Render and store the letter once; a rendered letter never changes."""
    from .letters import appeal_letter_pdf

    letter = _letter_locked(letter_id)
    if letter.rendered_at is not None or letter.sent_on is None:
        return False
    appeal = letter.appeal
    case = (
        appeal.decision.case.case_number
        if appeal.decision_id
        else appeal.reaction.grant.case_number
    )
    pdf_store(letter, appeal_letter_pdf(letter=letter), filename=f"klage-{letter.kind}-{case}.pdf")
    return True


def appeal_letters_sweep(*, now: dt.datetime | None = None) -> int:
    """Deliver again the letters still not sent or rendered some minutes after they were made."""
    from .selectors import appeal_letters_stuck
    from .tasks import appeal_letter_deliver

    stuck = appeal_letters_stuck(before=stuck_before(now))
    return sweep(appeal_letter_deliver, stuck.values_list("pk", flat=True))


def appeal_letter_downloaded(*, letter: AppealLetter, by: User) -> None:
    audit_log(
        subject=letter.appeal,
        action="imdi.security.appeal_letter_downloaded",
        actor=by,
        organisation=letter.appeal.organisation,
        data={"letter": letter.pk, "kind": letter.kind},
    )


def appeal_attachment_downloaded(*, attachment: AppealAttachment, by: User) -> None:
    audit_log(
        subject=attachment.appeal,
        action="imdi.security.attachment_downloaded",
        actor=by,
        organisation=attachment.appeal.organisation,
        data={"attachment": attachment.pk, "appeal": attachment.appeal_id},
    )


def _notify(appeal: Appeal, step: str) -> None:
    organisation_notify(
        organisation=appeal.organisation,
        key=f"appeal:{appeal.pk}:{step}",
        template="appeals/email/step",
        context={
            "appeal": appeal,
            "step": step,
            "link": settings.PORTAL_BASE_URL + reverse("appeals:detail", args=[appeal.pk]),
        },
    )


def _reverse_decision(appeal: Appeal, by: User, reason: str) -> None:
    if appeal.decision_id:
        dismissal_reverse(decision=appeal.decision, by=by, reason=reason)
    else:
        reaction_reverse(reaction=appeal.reaction, by=by, reason=reason)


@transaction.atomic
def appeal_reverse(*, appeal: Appeal, by: User, grounds: str) -> Appeal:
    """IMDi finds the appeal right and reverses its own decision (fvl § 33 second paragraph)."""
    appeal = lock(appeal, "organisation")
    APPEAL_FLOW.check(appeal, A.REVERSED, by=by)
    require(bool(grounds.strip()), _("Give the grounds for reversing the decision."))
    letter = _letter_new(appeal, AppealLetterKind.REVERSAL)
    _reverse_decision(appeal, by, grounds.strip())
    appeal.reversal_grounds, appeal.handled_by = grounds.strip(), by
    APPEAL_FLOW.move(
        appeal,
        A.REVERSED,
        by=by,
        action="imdi.appeal.reversed",
        organisation=appeal.organisation,
        fields=["reversal_grounds", "handled_by"],
        reason=appeal.reversal_grounds,
        follow_up=[_deliver_after_commit(letter)],
    )
    return appeal


@transaction.atomic
def appeal_forward(
    *, appeal: Appeal, by: User, preparation: str, on: dt.date | None = None
) -> Appeal:
    """IMDi keeps its decision, prepares the case and sends it to AID, the appeals body."""
    appeal = lock(appeal, "organisation")
    APPEAL_FLOW.check(appeal, A.FORWARDED, by=by)
    require(
        bool(preparation.strip()),
        _("Write IMDi's preparation of the case: the facts and why IMDi keeps its decision."),
    )
    appeal.preparation, appeal.handled_by = preparation.strip(), by
    appeal.forwarded_on = on or today_in_oslo()
    letter = _letter_new(appeal, AppealLetterKind.FORWARDING)
    APPEAL_FLOW.move(
        appeal,
        A.FORWARDED,
        by=by,
        action="imdi.appeal.forwarded",
        organisation=appeal.organisation,
        fields=["preparation", "handled_by", "forwarded_on"],
        data={"forwarded_on": str(appeal.forwarded_on)},
        follow_up=[_deliver_after_commit(letter)],
    )
    return appeal


@transaction.atomic
def appeal_aid_decided(
    *, appeal: Appeal, by: User, outcome: str, decided_on: dt.date, note: str = ""
) -> Appeal:
    """Record AID's decision on the appeal; a reversal by AID takes effect as IMDi's would."""
    appeal = lock(appeal, "organisation")
    APPEAL_FLOW.check(appeal, A.DECIDED, by=by)
    require(outcome in AidOutcome.values, _("Choose AID's outcome."))
    if decided_on < (appeal.forwarded_on or decided_on):
        raise DomainError(_("AID cannot have decided before the appeal was sent."))
    if outcome == AidOutcome.REVERSED:
        _reverse_decision(appeal, by, note.strip() or str(AidOutcome(outcome).label))
    appeal.aid_outcome, appeal.aid_decided_on, appeal.aid_note = outcome, decided_on, note.strip()
    APPEAL_FLOW.move(
        appeal,
        A.DECIDED,
        by=by,
        action="imdi.appeal.decided",
        organisation=appeal.organisation,
        fields=["aid_outcome", "aid_decided_on", "aid_note"],
        reason=appeal.aid_note,
        data={"outcome": outcome, "decided_on": str(decided_on)},
    )
    _notify(appeal, "decided")
    return appeal


def attachments_remove_after_archive(*, closed_before: dt.date) -> int:
    """Remove the documents sent with appeals finished before ``closed_before`` (decided by AID,
    or reversed by IMDi with its letter sent then); the appeal, its text and IMDi's letters
    stay, and the audit entry keeps what the documents were."""
    from imdi_grants.lib.files import delete_after_commit

    finished = Appeal.objects.filter(
        Q(status=A.DECIDED, aid_decided_on__lt=closed_before)
        | Q(
            status=A.REVERSED,
            letters__kind=AppealLetterKind.REVERSAL,
            letters__sent_on__lt=closed_before,
        )
    ).filter(attachments__isnull=False)
    removed = 0
    for pk in list(finished.values_list("pk", flat=True).distinct()[:500]):
        with transaction.atomic():
            appeal = lock(Appeal.objects.get(pk=pk), "organisation")
            attachments = list(appeal.attachments.all())
            if not attachments:
                continue
            audit_log(
                subject=appeal,
                action="imdi.retention.attachments_removed",
                actor=None,
                organisation=appeal.organisation,
                data={
                    "attachments": [
                        {"name": a.original_name, "size": a.size, "sha256": a.sha256}
                        for a in attachments
                    ]
                },
            )
            appeal.attachments.all().delete()
            delete_after_commit([a.file for a in attachments])
            removed += len(attachments)
    return removed
