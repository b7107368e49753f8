"""Another municipality gets 404 on every page and download of a grant; roles within one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from applications.reception import services
from applications.reception.models import OfferStatus
from grants import services as grant_services
from grants.models import GrantStatus
from tests.reception_fixtures import ACCEPTANCE_FIELDS, issue, partnership


@pytest.fixture
def issued(offer, signatory, caseworker, django_capture_on_commit_callbacks):
    """The offer, with its grant letter issued and rendered."""
    services.acceptance_letter_submit(offer=offer, by=signatory, fields=ACCEPTANCE_FIELDS)
    with django_capture_on_commit_callbacks(execute=False):
        letter = services.offer_grant(offer=offer, by=caseworker)
    grant_services.grant_letter_render(letter_id=letter.pk)
    grant_services.grant_letter_send(letter_id=letter.pk)
    offer.refresh_from_db()
    return offer


def _grant_urls(grant):
    letter = grant.grant.letters.get()
    return {
        "get": [
            reverse("reception:grant_detail", args=[grant.pk]),
            reverse("reception:acceptance_letter", args=[grant.pk]),
            reverse("reception:change_request", args=[grant.pk]),
            reverse("reception:letter_pdf", args=[letter.pk]),
            reverse("grants:grant_detail", args=[grant.grant.pk]),
            reverse(
                "reception:partnership_pdf",
                args=[grant.organisation.partnership_agreements.get().pk],
            ),
        ],
        "post": [
            reverse("reception:accept", args=[grant.pk]),
            reverse("reception:letter_issue", args=[grant.pk]),
            reverse("reception:reopen", args=[grant.pk]),
            reverse("reception:repayment", args=[grant.pk]),
        ],
    }


def test_another_municipality_gets_404_everywhere(client, issued, outsider):
    client.force_login(outsider)
    urls = _grant_urls(issued)
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    issued.grant.refresh_from_db()
    assert issued.grant.status == GrantStatus.LETTER_ISSUED


def test_another_municipality_gets_404_on_reports(client, issued, signatory, outsider):
    grant_services.grant_accept(grant=issued.grant, by=signatory)
    report = issued.grant.reports.first()
    client.force_login(outsider)
    for name in ("reporting:report_detail", "reporting:approve_accounts", "reporting:review"):
        url = reverse(name, args=[report.pk])
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"approve": "yes"}).status_code == 404, url


@pytest.mark.parametrize(
    "name",
    ["reception:agreement_list", "reception:offer", "grants:payments"],
)
def test_staff_pages_are_404_to_municipal_users(client, signatory, name):
    client.force_login(signatory)
    assert client.get(reverse(name)).status_code == 404


def test_the_payment_export_is_staff_only(client, signatory, caseworker):
    client.force_login(signatory)
    assert client.get(reverse("grants:payments_export", args=["csv"])).status_code == 404
    client.force_login(caseworker)
    response = client.get(reverse("grants:payments_export", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')


def test_the_municipality_sees_its_own_grant_and_letter(client, issued, applicant):
    client.force_login(applicant)
    for url in _grant_urls(issued)["get"][:1] + _grant_urls(issued)["get"][3:]:
        assert client.get(url, follow=True).status_code == 200, url


def test_an_applicant_cannot_accept_but_a_signatory_can(client, issued, applicant, signatory):
    url = reverse("reception:accept", args=[issued.pk])
    letter = {"letter": issued.grant.letters.get().pk}
    client.force_login(applicant)
    client.post(url, letter)
    issued.grant.refresh_from_db()
    assert issued.grant.status == GrantStatus.LETTER_ISSUED
    page = client.get(reverse("reception:grant_detail", args=[issued.pk])).content.decode()
    assert url not in page  # no acceptance button for an applicant
    client.force_login(signatory)
    page = client.get(reverse("reception:grant_detail", args=[issued.pk])).content.decode()
    assert url in page
    client.post(url, letter)
    issued.grant.refresh_from_db()
    assert issued.grant.status == GrantStatus.ACCEPTED


def test_an_applicant_cannot_request_a_change(client, issued, applicant):
    client.force_login(applicant)
    assert client.get(reverse("reception:change_request", args=[issued.pk])).status_code == 403


def test_after_the_deadline_the_acceptance_button_is_gone(client, offer, signatory, caseworker):
    issue(offer, signatory, caseworker, on=dt.date(2024, 2, 1))
    client.force_login(signatory)
    page = client.get(reverse("reception:grant_detail", args=[offer.pk])).content.decode()
    assert reverse("reception:accept", args=[offer.pk]) not in page


def test_the_acceptance_letter_form_keeps_what_was_typed(client, offer, signatory):
    client.force_login(signatory)
    data = {**ACCEPTANCE_FIELDS, "bank_account_number": "1503.12.34563", "submit": "1"}
    response = client.post(reverse("reception:acceptance_letter", args=[offer.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="1503.12.34563"' in body
    assert "Anne Andersen, prosjektleder" in body
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OFFERED


def test_a_partnership_upload_that_is_not_a_pdf_is_refused(client, caseworker, offer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(caseworker)
    agreement = offer.agreement
    response = client.post(
        reverse("reception:agreement_detail", args=[agreement.pk]),
        {
            "partner-asylum_reception_centre": "A",
            "partner-career_centre": "B",
            "partner-nav_office": "C",
            "partner-valid_from": "2024-01-01",
            "partner-responsibilities": "D",
            "partner-document": SimpleUploadedFile("avtale.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 200
    assert "avtale.pdf" in response.content.decode()
    assert offer.organisation.partnership_agreements.count() == 1


def test_lists_keep_a_constant_number_of_queries(
    client, caseworker, year_2024, django_assert_max_num_queries
):
    from tests.factories import MunicipalityFactory

    for _ in range(15):
        municipality = MunicipalityFactory()
        services.agreement_register(
            organisation=municipality,
            start_date=dt.date(2024, 1, 1),
            end_date=None,
            places=10,
            by=caseworker,
        )
        partnership(municipality)
        services.offer_send(organisation=municipality, scheme_year=year_2024, by=caseworker)
    client.force_login(caseworker)
    for name in ("reception:grant_list", "reception:agreement_list", "grants:payments"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200


def test_a_double_click_registers_one_agreement(client, caseworker, municipality):
    """Issue 8: the server refuses the second of two identical posts, not only JavaScript."""
    client.force_login(caseworker)
    data = {"organisation": municipality.pk, "start_date": "2024-01-01", "places": "50"}
    url = reverse("reception:agreement_list")
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200
    assert "har allerede en avtale om integreringsmottak" in response.content.decode()
    assert municipality.reception_agreements.count() == 1
