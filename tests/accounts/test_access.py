"""Who gets what on the organisation pages: URL × persona → status."""

from __future__ import annotations

import pytest
from django.urls import reverse

PAGES = ["organisation_detail", "organisation_edit", "organisation_invite"]

# persona → expected status per page, for the Drammen test municipality
EXPECTED = {
    "applicant": {"organisation_detail": 200, "organisation_edit": 403, "organisation_invite": 403},
    "signatory": {"organisation_detail": 200, "organisation_edit": 200, "organisation_invite": 403},
    "outsider": {"organisation_detail": 404, "organisation_edit": 404, "organisation_invite": 404},
    "nobody": {"organisation_detail": 404, "organisation_edit": 404, "organisation_invite": 404},
    # A caseworker invites signatories only (tests/accounts/test_invitation.py).
    "caseworker": {
        "organisation_detail": 200,
        "organisation_edit": 403,
        "organisation_invite": 200,
    },
    "administrator": {
        "organisation_detail": 200,
        "organisation_edit": 200,
        "organisation_invite": 200,
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(EXPECTED))
@pytest.mark.parametrize("page", PAGES)
def test_organisation_pages_by_persona(client, request, municipality, persona, page):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse(f"accounts:{page}", args=[municipality.pk]))
    assert response.status_code == EXPECTED[persona][page]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_login(client, municipality, page):
    response = client.get(reverse(f"accounts:{page}", args=[municipality.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_an_outsider_cannot_change_another_municipality_by_post(client, municipality, outsider):
    client.force_login(outsider)
    response = client.post(
        reverse("accounts:organisation_edit", args=[municipality.pk]),
        {"written_standard": "nn", "bank_account_number": "15031234562"},
    )
    assert response.status_code == 404
    municipality.refresh_from_db()
    assert municipality.written_standard == "neutral"


@pytest.mark.django_db
def test_the_organisation_list_is_for_staff_only(client, applicant, caseworker):
    client.force_login(applicant)
    assert client.get(reverse("accounts:organisation_list")).status_code == 404
    client.force_login(caseworker)
    assert client.get(reverse("accounts:organisation_list")).status_code == 200


@pytest.mark.django_db
def test_the_organisation_list_keeps_its_query_count(
    client, caseworker, django_assert_max_num_queries
):
    from tests.factories import MunicipalityFactory

    MunicipalityFactory.create_batch(40)
    client.force_login(caseworker)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:organisation_list"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_signatory_changes_bank_account_and_written_standard(client, municipality, signatory):
    client.force_login(signatory)
    response = client.post(
        reverse("accounts:organisation_edit", args=[municipality.pk]),
        {"written_standard": "nn", "bank_account_number": "1503.12.34562", "postal_code": ""},
    )
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.written_standard == "nn"
    assert municipality.bank_account_number == "15031234562"
    from imdi_grants.audit.selectors import audit_entries_for

    entry = audit_entries_for(subject=municipality).get()
    assert entry.action == "imdi.organisation.changed"
    assert entry.actor == signatory


@pytest.mark.django_db
def test_a_bad_account_number_keeps_what_was_typed(client, municipality, signatory):
    client.force_login(signatory)
    response = client.post(
        reverse("accounts:organisation_edit", args=[municipality.pk]),
        {"written_standard": "nn", "bank_account_number": "1503.12.34563", "phone": "32 04 00 00"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "ikke et gyldig kontonummer" in body
    assert 'value="1503.12.34563"' in body
    assert 'value="32 04 00 00"' in body
    municipality.refresh_from_db()
    assert municipality.bank_account_number == ""


def test_the_organisation_list_exports_as_filtered_and_the_export_is_audited(
    client, municipality, other_municipality, caseworker, applicant
):
    """Issue 11/12: the list leaves the portal exactly as filtered; bank accounts in it make the
    export an audit entry."""
    import csv
    import io

    from imdi_grants.audit.models import AuditEntry

    url = reverse("accounts:organisation_list")
    client.force_login(applicant)
    assert client.get(url, {"format": "csv"}).status_code == 404
    client.force_login(caseworker)
    body = client.get(url, {"q": municipality.name, "format": "csv"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert [r["navn"] for r in rows] == [municipality.name]
    assert AuditEntry.objects.filter(
        action="imdi.security.organisations_exported", actor=caseworker
    ).exists()
