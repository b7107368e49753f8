"""Offer, acceptance letter, grant letter, acceptance and lapse."""

from __future__ import annotations

import datetime as dt
import io
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from applications.reception import services
from applications.reception.models import GrantLetter, GrantStatus
from imdi_grants.audit.models import AuditEntry
from imdi_grants.audit.selectors import audit_entries_for

from .conftest import ACCEPTANCE_FIELDS

OSLO = ZoneInfo("Europe/Oslo")


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return text.replace("\xa0", " ")


def test_the_offer_is_refused_without_a_partnership_agreement(year_2024, municipality, caseworker):
    services.agreement_register(
        organisation=municipality,
        start_date=dt.date(2024, 1, 1),
        end_date=None,
        places=50,
        by=caseworker,
    )
    with pytest.raises(services.GrantError, match="ingen gyldig partnerskapsavtale"):
        services.grant_offer(organisation=municipality, scheme_year=year_2024, by=caseworker)


def test_the_offer_is_refused_without_an_agreement(year_2024, municipality, caseworker):
    with pytest.raises(services.GrantError, match="ingen avtale om integreringsmottak"):
        services.grant_offer(organisation=municipality, scheme_year=year_2024, by=caseworker)


def test_the_offer_computes_the_2024_amount(offered_grant):
    assert offered_grant.amount == Decimal("1284600")
    assert offered_grant.case_number.startswith("2024/")
    assert offered_grant.status == GrantStatus.OFFERED


def test_an_applicant_cannot_submit_the_acceptance_letter(offered_grant, applicant):
    with pytest.raises(services.GrantError):
        services.acceptance_letter_submit(
            grant=offered_grant, by=applicant, fields=ACCEPTANCE_FIELDS
        )
    offered_grant.refresh_from_db()
    assert offered_grant.status == GrantStatus.OFFERED


def _issued(offered_grant, signatory, caseworker, on=dt.date(2024, 2, 1)):
    services.acceptance_letter_submit(grant=offered_grant, by=signatory, fields=ACCEPTANCE_FIELDS)
    return services.grant_letter_issue(grant=offered_grant, by=caseworker, on=on)


def test_acceptance_holds_to_midnight_oslo_time(offered_grant, signatory, caseworker, applicant):
    _issued(offered_grant, signatory, caseworker)
    offered_grant.refresh_from_db()
    assert offered_grant.acceptance_deadline == dt.date(2024, 2, 15)
    late = dt.datetime(2024, 2, 16, 0, 0, 0, tzinfo=OSLO)
    with pytest.raises(services.GrantError, match=r"Fristen for aksept var 15\.02\.2024"):
        services.grant_accept(grant=offered_grant, by=signatory, at=late)
    with pytest.raises(services.GrantError, match="Bare en signaturberettiget"):
        services.grant_accept(grant=offered_grant, by=applicant, at=late)
    in_time = dt.datetime(2024, 2, 15, 23, 59, 59, tzinfo=OSLO)
    services.grant_accept(grant=offered_grant, by=signatory, at=in_time)
    offered_grant.refresh_from_db()
    assert offered_grant.status == GrantStatus.ACCEPTED
    assert offered_grant.accepted_by == signatory


def test_the_lapse_runs_twice_but_lapses_once(offered_grant, signatory, caseworker):
    _issued(offered_grant, signatory, caseworker)
    after = dt.datetime(2024, 2, 16, 0, 0, 1, tzinfo=OSLO)
    on_the_day = dt.datetime(2024, 2, 15, 23, 0, tzinfo=OSLO)
    assert services.grants_lapse_overdue(at=on_the_day) == 0
    assert services.grants_lapse_overdue(at=after) == 1
    assert services.grants_lapse_overdue(at=after) == 0
    offered_grant.refresh_from_db()
    assert offered_grant.status == GrantStatus.LAPSED
    assert AuditEntry.objects.filter(action="imdi.reception.lapsed").count() == 1


def test_a_new_letter_version_after_a_change_of_places(offered_grant, signatory, caseworker):
    first = _issued(offered_grant, signatory, caseworker)
    services.place_count_set(
        agreement=offered_grant.agreement, valid_from=dt.date(2024, 7, 1), places=40, by=caseworker
    )
    second = services.grant_letter_issue(
        grant=offered_grant, by=caseworker, reason="Endring i grunnlaget: 40 plasser fra juli"
    )
    assert (first.version, second.version) == (1, 2)
    assert (first.amount, second.amount) == (Decimal("1284600"), Decimal("1156140"))
    actions = [e.action for e in audit_entries_for(subject=offered_grant)]
    assert actions.count("imdi.reception.letter_issued") == 2


@pytest.mark.django_db(transaction=True)
def test_the_letter_is_rendered_once_in_nynorsk(offered_grant, signatory, caseworker):
    municipality = offered_grant.organisation
    municipality.written_standard = "nn"
    municipality.save()
    letter = _issued(offered_grant, signatory, caseworker)
    letter.refresh_from_db()
    assert letter.language == "nn"
    assert services.grant_letter_render(letter_id=letter.pk) is True
    assert services.grant_letter_render(letter_id=letter.pk) is False
    letter.refresh_from_db()
    text = _pdf_text(letter.file.read())
    assert offered_grant.case_number in text
    assert "1 284 600" in text
    assert "Tilskotsbrev" in text or "tilskot" in text.lower()
    assert "ikkje" in text


@pytest.mark.worker
def test_a_real_worker_renders_the_letter(
    celery_worker_on_redis, year_2024, municipality, caseworker, signatory
):
    services.agreement_register(
        organisation=municipality,
        start_date=dt.date(2024, 1, 1),
        end_date=None,
        places=50,
        by=caseworker,
    )
    from .conftest import partnership

    partnership(municipality)
    grant = services.grant_offer(organisation=municipality, scheme_year=year_2024, by=caseworker)
    letter = _issued(grant, signatory, caseworker)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        letter.refresh_from_db()
        if letter.rendered_at:
            break
        time.sleep(0.2)
    assert letter.rendered_at, "the worker did not render the letter"
    assert len(letter.sha256) == 64
    text = _pdf_text(letter.file.read())
    assert grant.case_number in text
    assert "1 284 600" in text
    assert "15. februar 2024" in text
    assert GrantLetter.objects.count() == 1


def test_an_approved_change_request_gives_a_second_letter_version(
    offered_grant, signatory, caseworker, applicant
):
    _issued(offered_grant, signatory, caseworker)
    with pytest.raises(services.GrantError):
        services.change_request_submit(grant=offered_grant, by=applicant, description="x")
    request = services.change_request_submit(
        grant=offered_grant,
        by=signatory,
        description="Mottaket får 40 plasser fra juli.",
        places=40,
        places_from=dt.date(2024, 7, 1),
    )
    second = services.change_request_decide(
        change_request=request, by=caseworker, approve=True, comment="Godkjent"
    )
    assert second.version == 2
    assert second.amount == Decimal("1156140")
    offered_grant.refresh_from_db()
    assert offered_grant.amount == Decimal("1156140")
    assert offered_grant.status == GrantStatus.LETTER_ISSUED
    with pytest.raises(services.GrantError):
        services.change_request_decide(change_request=request, by=caseworker, approve=False)


def test_a_refused_change_request_changes_nothing(offered_grant, signatory, caseworker):
    _issued(offered_grant, signatory, caseworker)
    request = services.change_request_submit(
        grant=offered_grant,
        by=signatory,
        description="Flere plasser",
        places=80,
        places_from=dt.date(2024, 3, 1),
    )
    assert (
        services.change_request_decide(
            change_request=request, by=caseworker, approve=False, comment="Ikke grunnlag"
        )
        is None
    )
    assert offered_grant.letters.count() == 1
    assert offered_grant.agreement.place_counts.count() == 1


def test_the_beat_task_lapses_each_overdue_grant_once(
    offered_grant, signatory, caseworker, time_machine
):
    from applications.reception.tasks import grants_lapse_overdue

    _issued(offered_grant, signatory, caseworker)
    time_machine.move_to(dt.datetime(2024, 2, 16, 0, 0, 1, tzinfo=OSLO))
    grants_lapse_overdue()
    grants_lapse_overdue()
    offered_grant.refresh_from_db()
    assert offered_grant.status == GrantStatus.LAPSED
    assert AuditEntry.objects.filter(action="imdi.reception.lapsed").count() == 1
    services.grant_reopen(grant=offered_grant, by=caseworker, reason="Kommunen var syk")
    offered_grant.refresh_from_db()
    assert offered_grant.status == GrantStatus.LETTER_ISSUED
    assert offered_grant.acceptance_deadline == dt.date(2024, 3, 1)
