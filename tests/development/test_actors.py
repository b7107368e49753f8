"""Every service checks its own actor: called by the wrong person (or by no person, as a command
or a beat job would), it refuses with a DomainError and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.development.models import Application, Attachment, Status
from applications.development.services import (
    application_create,
    application_hand_over,
    application_reopen,
    application_submit,
    application_update_draft,
    attachment_add,
    attachment_delete,
)
from imdi_grants.accounts.models import MembershipRole
from imdi_grants.audit.models import AuditEntry
from imdi_grants.lib.workflow import DomainError
from tests.factories import MembershipFactory

from .conftest import IN_TIME, area, impartial

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def partner(draft, other_municipality):
    """A signatory of Lier kommune, a partner in Drammen's joint application: reads only."""
    draft.partners.add(other_municipality)
    return MembershipFactory(organisation=other_municipality, role=MembershipRole.SIGNATORY).user


@pytest.fixture
def submitted(complete, signatory):
    return application_submit(application=complete, by=signatory, at=IN_TIME)


def refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as exc:
        call(**kwargs)
    return exc.value


@pytest.mark.parametrize("persona", ["applicant", "signatory", "outsider", None])
def test_only_imdi_staff_reopen(request, submitted, persona):
    by = request.getfixturevalue(persona) if persona else None
    error = refused(
        application_reopen,
        application=submitted,
        by=by,
        reason="Feil",
        deadline=dt.date(2099, 1, 1),
    )
    assert error.code == "forbidden"
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert not AuditEntry.objects.filter(action="imdi.application.reopened").exists()


@pytest.mark.parametrize("persona", ["caseworker", "administrator"])
def test_imdi_staff_reopen_with_a_reason(request, submitted, persona):
    by = request.getfixturevalue(persona)
    later = dt.date(2099, 1, 1)
    error = refused(application_reopen, application=submitted, by=by, reason="Feil", deadline=later)
    assert error.code == "forbidden", "staff declare their impartiality before acting on a case"
    impartial(by, submitted)
    error = refused(application_reopen, application=submitted, by=by, reason="  ", deadline=later)
    assert error.code == "refused"
    assert application_reopen(application=submitted, by=by, reason="Feil", deadline=later).is_draft


@pytest.mark.parametrize("persona", ["applicant", "outsider", "partner", "caseworker", None])
def test_only_a_signatory_of_the_applicant_submits(request, complete, persona):
    by = request.getfixturevalue(persona) if persona else None
    error = refused(application_submit, application=complete, by=by, at=IN_TIME)
    assert error.code == "forbidden"
    application = Application.objects.get(pk=complete.pk)
    assert (application.status, application.case_number) == (Status.DRAFT, None)


@pytest.mark.parametrize("persona", ["outsider", "partner", "caseworker", None])
def test_only_the_applicant_edits_the_draft(request, draft, persona):
    by = request.getfixturevalue(persona) if persona else None
    error = refused(application_update_draft, application=draft, by=by, fields={"title": "Kapret"})
    assert error.code == "forbidden"
    assert refused(application_hand_over, application=draft, by=by).code == "forbidden"
    upload = SimpleUploadedFile("budsjett.pdf", PDF_BYTES)
    assert refused(attachment_add, application=draft, by=by, uploaded=upload).code == "forbidden"
    application = Application.objects.get(pk=draft.pk)
    assert (application.title, application.handed_over_at) == ("", None)
    assert not application.attachments.exists()


def test_only_the_applicant_deletes_an_attachment(draft, applicant, partner):
    attachment = attachment_add(
        application=draft, by=applicant, uploaded=SimpleUploadedFile("a.pdf", PDF_BYTES)
    )
    assert refused(attachment_delete, attachment=attachment, by=partner).code == "forbidden"
    assert Attachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.parametrize("persona", ["outsider", "caseworker", None])
def test_only_a_member_starts_an_application(request, seeded, municipality, persona, time_machine):
    time_machine.move_to(IN_TIME)
    by = request.getfixturevalue(persona) if persona else None
    error = refused(application_create, organisation=municipality, focus_area=area(1), by=by)
    assert error.code == "forbidden"
    assert not Application.objects.exists()


def test_the_pages_show_the_refusal_and_keep_the_input(client, draft, applicant, monkeypatch):
    """A refusal the page could not foresee (here: the draft was submitted meanwhile) is shown on
    the step, with what was typed still in the form."""
    from applications.development import access

    monkeypatch.setattr(access, "can_edit", lambda user, application: True)
    Application.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED, case_number="2025/9")
    client.force_login(applicant)
    url = reverse("development:step", args=[draft.pk, "basics"])
    response = client.post(url, {"title": "Mitt prosjekt", "save": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Søknaden er sendt inn og kan ikke endres" in page
    assert 'value="Mitt prosjekt"' in page
