"""Rates and deadlines freeze once a year's letters are issued (issue 8): a change is an explicit,
audited amendment that names the letters it affects, and what a page shows is what the letter
said."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.reception import services as reception
from imdi_grants.audit.models import AuditEntry
from imdi_grants.lib.workflow import DomainError
from schemes.services import scheme_year_amend


def _admin_change(client, year, **changes):
    data = {
        "scheme": year.scheme_id,
        "year": year.year,
        "circular": year.circular,
        "rate_per_place_per_month": str(year.rate_per_place_per_month),
        "acceptance_window_days": year.acceptance_window_days,
        "budget_authority_name": year.budget_authority_name,
        "budget_authority_title": year.budget_authority_title,
        "report_deadlines-TOTAL_FORMS": 0,
        "report_deadlines-INITIAL_FORMS": 0,
        "focus_areas-TOTAL_FORMS": 0,
        "focus_areas-INITIAL_FORMS": 0,
        "payment_terms-TOTAL_FORMS": 0,
        "payment_terms-INITIAL_FORMS": 0,
        **changes,
    }
    return client.post(reverse("admin:schemes_schemeyear_change", args=[year.pk]), data)


def test_after_the_first_letter_the_admin_cannot_change_the_rate(
    client, administrator, issued_grant, time_machine
):
    time_machine.move_to(dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC))
    year = issued_grant.scheme_year
    client.force_login(administrator)
    response = _admin_change(client, year, rate_per_place_per_month="2500")
    assert response.status_code == 200
    assert "endres bare ved å endre året" in response.content.decode()
    year.refresh_from_db()
    assert year.rate_per_place_per_month == Decimal("2141")


def test_the_amendment_names_the_letters_it_affects_and_changes_no_letter(
    client, administrator, caseworker, issued_grant, time_machine
):
    time_machine.move_to(dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC))
    year = issued_grant.scheme_year
    url = reverse("grants:scheme_year_amend", args=[year.pk])
    client.force_login(caseworker)
    assert client.get(url).status_code == 404
    client.force_login(administrator)
    page = client.get(url).content.decode()
    assert issued_grant.case_number in page
    response = client.post(
        url,
        {
            "rate_per_place_per_month": "2500",
            "acceptance_window_days": "14",
            "reason": "Revidert nasjonalbudsjett",
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.rate_per_place_per_month == Decimal("2500")
    entry = AuditEntry.objects.get(action="imdi.scheme_year.amended")
    assert entry.data["affected"] == [f"{issued_grant.case_number} v1"]
    assert entry.data["old"] == {"rate_per_place_per_month": "2141"}
    issued_grant.refresh_from_db()
    assert issued_grant.amount == Decimal("1284600")
    # The grant's page still shows what the letter said, not today's rate.
    page = client.get(
        reverse("reception:grant_detail", args=[issued_grant.reception_offer.pk])
    ).content.decode()
    assert "2\xa0141\xa0kr" in page and "2\xa0500\xa0kr" not in page
    assert "1\xa0284\xa0600\xa0kr" in page


def test_only_an_administrator_amends_with_a_reason(issued_grant, caseworker, administrator):
    year = issued_grant.scheme_year
    with pytest.raises(DomainError):
        scheme_year_amend(
            scheme_year=year,
            by=caseworker,
            values={"acceptance_window_days": 10},
            reason="x",
            affected=[],
        )
    with pytest.raises(DomainError):
        scheme_year_amend(
            scheme_year=year,
            by=administrator,
            values={"acceptance_window_days": 10},
            reason=" ",
            affected=[],
        )


def test_places_change_only_through_a_change_request_once_granted(
    client, issued_grant, caseworker, signatory
):
    agreement = issued_grant.reception_offer.agreement
    with pytest.raises(DomainError, match="endringssøknad"):
        reception.place_count_set(
            agreement=agreement, valid_from=dt.date(2024, 7, 1), places=40, by=caseworker
        )
    client.force_login(caseworker)
    response = client.post(
        reverse("reception:agreement_detail", args=[agreement.pk]),
        {"places-valid_from": "2024-07-01", "places-places": "40"},
    )
    assert response.status_code == 200
    assert agreement.place_counts.count() == 1
    # Next year has no grant yet: its places may change directly.
    reception.place_count_set(
        agreement=agreement, valid_from=dt.date(2025, 1, 1), places=40, by=caseworker
    )
