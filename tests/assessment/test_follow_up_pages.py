"""Issue 10: an accepted development grant's reports are reached from its decision page, and a
caseworker with a conflict of interest in the application sees neither the reports nor the money
page; the organisation is offered to appeal a decided reclaim from the money page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from grants import services as grant_services
from tests.assessment.conftest import award_and_accept, declare, scored
from tests.reception_fixtures import pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(in_assessment, lead, assessor_a, assessor_b, signatory):
    application = scored(in_assessment, lead, assessor_a, assessor_b)
    return award_and_accept(application, lead, signatory, amount="300000")


def test_the_reports_are_listed_on_the_decision_page_and_hidden_from_the_conflicted(
    client, accepted, applicant, caseworker
):
    application = accepted.decision.application
    status_report = accepted.reports.get(kind="status")
    client.force_login(applicant)
    page = client.get(reverse("assessment:decision", args=[application.pk])).content.decode()
    assert reverse("reporting:report_detail", args=[status_report.pk]) in page
    assert (
        client.get(reverse("reporting:report_detail", args=[status_report.pk])).status_code == 200
    )

    declare(application, caseworker, conflict=True)
    client.force_login(caseworker)
    for url in (
        reverse("reporting:report_detail", args=[status_report.pk]),
        reverse("grants:grant_money", args=[accepted.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("reporting:review", args=[status_report.pk]), {"approve": "yes"})
    assert response.status_code == 404


def test_the_organisation_is_offered_to_appeal_a_decided_reclaim(
    client, accepted, signatory, caseworker, second_caseworker, administrator
):
    accepted.scheme_year.budget_authority_name = "Hanne Hansen"
    accepted.scheme_year.save(update_fields=["budget_authority_name"])
    pay(accepted, proposer=caseworker, approver=second_caseworker, on=dt.date(2025, 5, 15))
    reaction = grant_services.reaction_propose(
        grant=accepted, kind="reclaim", amount=Decimal("50000"), grounds="Brudd.", by=caseworker
    )
    appeal_link = f"{reverse('appeals:create')}?reaksjon={reaction.pk}"
    client.force_login(signatory)
    money = reverse("grants:grant_money", args=[accepted.pk])
    assert appeal_link not in client.get(money).content.decode(), "not before it is decided"
    grant_services.reaction_decide(reaction=reaction, by=administrator, approve=True)
    assert appeal_link in client.get(money).content.decode()


def test_the_queue_export_carries_the_scores_and_the_decision(client, accepted, lead):
    """Issue 11: applications with scores and decisions leave the system as one export."""
    import csv
    import io

    client.force_login(lead)
    body = client.get(reverse("assessment:queue_export", args=["csv"])).content.decode()
    (row,) = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert row["saksnummer"] == accepted.decision.application.case_number
    assert (row["vedtak"], row["tilsagn_år_1"]) == ("Tilsagn", "300000")
    assert row["poengsum"] != ""


def test_a_conflicted_caseworker_does_not_find_the_case_in_any_list(
    client, accepted, applicant, caseworker
):
    """The queue already hides a case a caseworker declared a conflict in; so do the lists of
    grants' reports and payments, their exports included."""
    declare(accepted.decision.application, caseworker, conflict=True)
    client.force_login(caseworker)
    reports = client.get(reverse("reporting:report_list"))
    assert reports.context["page"].paginator.count == 0
    payments = client.get(reverse("grants:payments")).content.decode()
    assert accepted.case_number not in payments
    export = client.get(reverse("reporting:report_list"), {"format": "csv"}).content.decode()
    assert accepted.case_number not in export
