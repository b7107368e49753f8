"""Issue 12: a retention job restricts personal data that has passed its time. Drafts never
submitted go some months after their round closed; the uploaded attachments of closed cases go
once the archive period has passed; decisions and letters stay; each removal has an audit entry;
a second run removes nothing; what is still in time, or under appeal, is kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.appeals.services import appeal_lodge
from applications.assessment import services as assessment
from applications.assessment.models import FORMAL_CHECKS
from applications.development.models import Application, Status
from applications.development.services import application_submit, attachment_add
from grants.models import ClosingLetter, GrantStatus
from imdi_grants.audit.models import AuditEntry
from imdi_grants.lib.retention import retention_apply
from reporting import services as reporting
from tests.assessment.conftest import assessor_a, declare, lead, round_2025  # noqa: F401
from tests.development.conftest import IN_TIME, area, make_complete
from tests.factories import ApplicationFactory
from tests.reporting.test_reports import accounts_form

pytestmark = pytest.mark.django_db(transaction=True)  # files are deleted after commit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEADLINE_2025 = dt.date(2025, 2, 19)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RETENTION_DRAFT_DAYS = 180
    settings.RETENTION_ARCHIVE_YEARS = 10


def _with_attachment(application: Application, by) -> str:
    attachment = attachment_add(
        application=application, by=by, uploaded=SimpleUploadedFile("plan.pdf", PDF)
    )
    return attachment.file.name


def test_drafts_of_a_long_closed_round_are_deleted_once_and_nothing_else(
    seeded, municipality, applicant, signatory
):
    draft = make_complete(
        ApplicationFactory(focus_area=area(1), organisation=municipality, created_by=applicant)
    )
    stored = _with_attachment(draft, applicant)
    sent = make_complete(
        ApplicationFactory(focus_area=area(1), organisation=municipality, created_by=applicant)
    )
    sent = application_submit(application=sent, by=signatory, at=IN_TIME)

    in_time = DEADLINE_2025 + dt.timedelta(days=180)
    assert retention_apply(today=in_time)["development-drafts"] == 0
    assert Application.objects.filter(pk=draft.pk).exists()

    done = retention_apply(today=in_time + dt.timedelta(days=1))
    assert done["development-drafts"] == 1
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not default_storage.exists(stored), "its attachment went with it"
    assert Application.objects.get(pk=sent.pk).status == Status.SUBMITTED
    entry = AuditEntry.objects.get(action="imdi.retention.draft_deleted")
    assert entry.object_id == draft.pk and entry.data["attachments"] == 1
    assert entry.actor is None
    assert retention_apply(today=in_time + dt.timedelta(days=2))["development-drafts"] == 0


def test_attachments_of_a_refused_case_go_after_the_archive_period_and_its_letter_stays(
    round_2025,  # noqa: F811
    municipality,
    applicant,
    signatory,
    lead,  # noqa: F811
    assessor_a,  # noqa: F811
):
    from tests.assessment.conftest import submitted_application

    application = make_complete(
        ApplicationFactory(focus_area=area(1), organisation=municipality, created_by=applicant)
    )
    stored = _with_attachment(application, applicant)
    application = application_submit(application=application, by=signatory, at=IN_TIME)
    declare(application, lead, assessor_a)
    assessment.formal_check_record(
        application=application,
        by=assessor_a,
        checks=dict.fromkeys(FORMAL_CHECKS, True),
    )
    decision = assessment.application_refuse(application=application, by=lead, grounds="Lav.")

    # A dismissal under appeal keeps its attachments, however old.
    dismissed = submitted_application(municipality, applicant, signatory, title="Avvist")
    kept = _with_attachment_submitted(dismissed)
    declare(dismissed, assessor_a)
    dismissal = assessment.application_dismiss(
        application=dismissed, by=assessor_a, grounds="For sent.", rules_applied="Vilkår"
    )
    assessment.decision_letter_send(letter_id=dismissal.letter.pk, on=dt.date(2025, 6, 2))
    dismissal.refresh_from_db()
    appeal_lodge(by=signatory, text="Klage.", decision=dismissal, today=dt.date(2025, 6, 5))

    assessment.allocation_finalise(focus_area=application.focus_area, by=lead)
    assessment.decisions_send(focus_area=application.focus_area, by=lead)
    decision.refresh_from_db()
    assessment.decision_letter_send(letter_id=decision.letter.pk, on=dt.date(2025, 6, 2))
    assessment.decision_letter_render(letter_id=decision.letter.pk)
    decision.letter.refresh_from_db()
    letter_file = decision.letter.file.name

    assert retention_apply(today=dt.date(2035, 6, 2))["development-attachments"] == 0
    assert retention_apply(today=dt.date(2035, 6, 3))["development-attachments"] == 1
    assert not application.attachments.exists() and not default_storage.exists(stored)
    assert default_storage.exists(letter_file), "the decision letter is never removed"
    assert dismissed.attachments.count() == 1 and default_storage.exists(kept)
    entry = AuditEntry.objects.get(action="imdi.retention.attachments_removed")
    assert entry.data["attachments"][0]["name"] == "plan.pdf"
    assert retention_apply(today=dt.date(2035, 6, 4))["development-attachments"] == 0


def _with_attachment_submitted(application: Application) -> str:
    """An attachment of a submitted application, as the portal keeps it (made directly: the
    service refuses changes once it is sent)."""
    from applications.development.models import Attachment

    attachment = Attachment(
        application=application,
        original_name="vedlegg.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=application.created_by,
    )
    attachment.file.save("vedlegg.pdf", ContentFile(PDF), save=False)
    attachment.save()
    return attachment.file.name


def test_the_accounts_form_of_a_closed_grant_goes_and_the_figures_stay(accepted_grant, applicant):
    report = accepted_grant.reports.get(kind="annual")
    reporting.report_save(
        report=report,
        by=applicant,
        fields={"income": Decimal(1000), "expenses": Decimal(900)},
        activities={},
        accounts_file=accounts_form(),
    )
    report.refresh_from_db()
    stored = report.accounts_file.name
    type(accepted_grant).objects.filter(pk=accepted_grant.pk).update(status=GrantStatus.CLOSED)
    ClosingLetter.objects.create(
        grant=accepted_grant, language="nb", signed_by="Hanne Hansen", sent_on=dt.date(2025, 3, 1)
    )
    assert retention_apply(today=dt.date(2035, 3, 1))["report-accounts-files"] == 0
    assert retention_apply(today=dt.date(2035, 3, 2))["report-accounts-files"] == 1
    report.refresh_from_db()
    assert not report.accounts_file and not default_storage.exists(stored)
    assert (report.income, report.expenses) == (Decimal(1000), Decimal(900))
    assert AuditEntry.objects.filter(action="imdi.retention.accounts_file_removed").count() == 1
