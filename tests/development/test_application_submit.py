"""Approval and submission: who, until when, and what happens to the application after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from applications.development.models import Application, Status
from applications.development.services import (
    application_reopen,
    application_submit,
    application_update_draft,
)
from imdi_grants.audit.models import AuditEntry
from imdi_grants.lib.deadlines import OSLO
from imdi_grants.lib.workflow import DomainError
from tests.factories import ApplicationFactory

from .conftest import IN_TIME, TOO_LATE, area, impartial, make_complete

pytestmark = pytest.mark.django_db


def test_it_accepts_at_235959_oslo_time_on_the_deadline_day(complete, signatory):
    application = application_submit(application=complete, by=signatory, at=IN_TIME)
    assert application.status == Status.SUBMITTED
    assert application.case_number == "2025/00001"
    assert application.submitted_at == IN_TIME
    entry = AuditEntry.objects.get(action="imdi.application.submitted")
    assert (entry.old_status, entry.new_status, entry.actor) == ("draft", "submitted", signatory)


def test_it_refuses_at_midnight_after_the_deadline(complete, signatory):
    with pytest.raises(DomainError) as exc:
        application_submit(application=complete, by=signatory, at=TOO_LATE)
    assert str(exc.value) == (
        "Søknadsfristen var 19.02.2025 23:59:59. Søknaden kan ikke lenger sendes inn."
    )
    assert Application.objects.get(pk=complete.pk).status == Status.DRAFT


def test_the_view_refuses_after_the_deadline_whatever_the_page_showed(
    client, complete, signatory, time_machine
):
    time_machine.move_to(TOO_LATE)
    client.force_login(signatory)
    response = client.post(reverse("development:submit", args=[complete.pk]), {"action": "submit"})
    assert response.status_code == 400
    assert "Søknadsfristen var 19.02.2025 23:59:59" in response.content.decode()
    assert Application.objects.get(pk=complete.pk).is_draft


def test_an_applicant_cannot_submit(client, complete, applicant, time_machine):
    with pytest.raises(DomainError) as exc:
        application_submit(application=complete, by=applicant, at=IN_TIME)
    assert exc.value.code == "forbidden"
    time_machine.move_to(IN_TIME)
    client.force_login(applicant)
    response = client.post(reverse("development:submit", args=[complete.pk]), {"action": "submit"})
    assert response.status_code == 403
    assert Application.objects.get(pk=complete.pk).is_draft


def test_it_refuses_while_a_rule_fails(complete, signatory):
    complete.participants = 9
    complete.save()
    with pytest.raises(DomainError) as exc:
        application_submit(application=complete, by=signatory, at=IN_TIME)
    assert exc.value.messages == [
        "Prosjektet må ha minst ti deltakere (rundskrivet, «Vilkår for å få tilskudd»)."
    ]


def test_a_submitted_application_cannot_be_edited(client, complete, applicant, signatory):
    application_submit(application=complete, by=signatory, at=IN_TIME)
    with pytest.raises(DomainError) as exc:
        application_update_draft(application=complete, by=applicant, fields={"title": "Nytt"})
    assert str(exc.value) == (
        "Søknaden er sendt inn og kan ikke endres. Kontakt IMDi om den må åpnes igjen."
    )
    client.force_login(applicant)
    url = reverse("development:step", args=[complete.pk, "basics"])
    response = client.post(url, {"title": "Nytt"})
    assert response.status_code == 302
    assert response["Location"] == reverse("development:detail", args=[complete.pk])
    assert Application.objects.get(pk=complete.pk).title == "Språk og arbeid i Drammen"
    # Nor submitted twice.
    with pytest.raises(DomainError) as exc:
        application_submit(application=complete, by=signatory, at=IN_TIME)
    assert exc.value.code == "transition"


def test_a_caseworker_reopens_and_the_case_number_stays(complete, applicant, signatory, caseworker):
    application_submit(application=complete, by=signatory, at=IN_TIME)
    with pytest.raises(DomainError) as exc:
        application_reopen(
            application=complete, by=applicant, reason="Feil", deadline=dt.date(2025, 2, 19)
        )
    assert exc.value.code == "forbidden"
    impartial(caseworker, complete)
    application = application_reopen(
        application=complete, by=caseworker, reason="Feil budsjett", deadline=dt.date(2099, 1, 1)
    )
    assert application.status == Status.DRAFT
    application_update_draft(application=application, by=applicant, fields={"title": "Rettet"})
    application = application_submit(
        application=application, by=signatory, at=IN_TIME - dt.timedelta(minutes=1)
    )
    assert application.case_number == "2025/00001"
    assert application.submission_count == 2
    assert AuditEntry.objects.get(action="imdi.application.reopened").reason == "Feil budsjett"


def test_case_numbers_count_up_per_round(complete, signatory, municipality, applicant):
    other = make_complete(
        ApplicationFactory(focus_area=area(1), organisation=municipality, created_by=applicant)
    )
    application_submit(application=complete, by=signatory, at=IN_TIME)
    assert application_submit(application=other, by=signatory, at=IN_TIME).case_number == (
        "2025/00002"
    )


def test_only_a_caseworker_reopens_through_the_page(client, complete, signatory, caseworker):
    application_submit(application=complete, by=signatory, at=IN_TIME)
    url = reverse("development:reopen", args=[complete.pk])
    client.force_login(signatory)
    assert client.post(url, {"reason": "Vil endre"}).status_code == 403
    client.force_login(caseworker)
    assert client.post(url, {"reason": "Feil", "deadline": "2099-03-10"}).status_code == 302
    assert not Application.objects.get(pk=complete.pk).is_draft, "impartiality comes first"
    impartial(caseworker, complete)
    assert (
        client.post(url, {"reason": "Feil i budsjettet", "deadline": "2099-03-10"}).status_code
        == 302
    )
    assert Application.objects.get(pk=complete.pk).is_draft


def test_reopened_after_the_deadline_it_can_be_submitted_again_by_its_own_deadline(
    complete, applicant, signatory, caseworker, time_machine
):
    """Issue 8: an application submitted in time and reopened after the round's deadline must
    not be lost; the reopening carries its own dated deadline, shown to the applicant."""
    application_submit(application=complete, by=signatory, at=IN_TIME)
    impartial(caseworker, complete)
    time_machine.move_to(dt.datetime(2025, 3, 3, 9, tzinfo=OSLO))
    with pytest.raises(DomainError, match="ny frist"):
        application_reopen(
            application=complete, by=caseworker, reason="Rett budsjett", deadline=None
        )
    with pytest.raises(DomainError, match="ny frist"):
        application_reopen(
            application=complete,
            by=caseworker,
            reason="Rett budsjett",
            deadline=dt.date(2025, 3, 2),
        )
    application = application_reopen(
        application=complete, by=caseworker, reason="Rett budsjett", deadline=dt.date(2025, 3, 10)
    )
    assert application.submission_deadline == dt.date(2025, 3, 10)
    application_update_draft(application=application, by=applicant, fields={"title": "Rettet"})
    late = dt.datetime(2025, 3, 11, 0, 0, tzinfo=OSLO)
    with pytest.raises(DomainError, match=r"10\.03\.2025"):
        application_submit(application=application, by=signatory, at=late)
    application = application_submit(
        application=application, by=signatory, at=dt.datetime(2025, 3, 10, 23, 59, tzinfo=OSLO)
    )
    assert application.status == Status.SUBMITTED
    assert application.submission_count == 2


def test_the_reopening_deadline_is_shown_to_the_applicant(
    client, complete, applicant, signatory, caseworker
):
    application_submit(application=complete, by=signatory, at=IN_TIME)
    impartial(caseworker, complete)
    client.force_login(caseworker)
    client.post(
        reverse("development:reopen", args=[complete.pk]),
        {"reason": "Rett budsjett", "deadline": "2099-03-10"},
    )
    client.force_login(applicant)
    page = client.get(reverse("development:detail", args=[complete.pk])).content.decode()
    assert "10. mars 2099" in page
