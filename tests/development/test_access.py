"""Who sees and changes an application: URL × persona → status code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.development.models import Application
from imdi_grants.accounts.models import MembershipRole
from tests.factories import ApplicationFactory, MembershipFactory

from .conftest import area

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(draft, other_municipality):
    """An applicant of Lier kommune, a partner in Drammen's joint application."""
    draft.partners.add(other_municipality)
    return MembershipFactory(organisation=other_municipality, role=MembershipRole.APPLICANT).user


@pytest.fixture
def stranger(db):
    """A signatory of a municipality that has nothing to do with the application."""
    return MembershipFactory(role=MembershipRole.SIGNATORY).user


PAGES = ["detail", "submit", "basics", "budget"]


def url(application, page):
    if page in ("detail", "submit"):
        return reverse(f"development:{page}", args=[application.pk])
    return reverse("development:step", args=[application.pk, page])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("applicant", {"detail": 200, "submit": 200, "basics": 200, "budget": 200}),
        ("signatory", {"detail": 200, "submit": 200, "basics": 200, "budget": 200}),
        ("partner", {"detail": 200, "submit": 200, "basics": 403, "budget": 403}),
        # A draft that was never submitted is the municipality's own (least privilege).
        ("caseworker", {"detail": 404, "submit": 404, "basics": 404, "budget": 404}),
        ("stranger", {"detail": 404, "submit": 404, "basics": 404, "budget": 404}),
        ("nobody", {"detail": 404, "submit": 404, "basics": 404, "budget": 404}),
    ],
)
def test_permissions(client, request, draft, persona, expected):
    request.getfixturevalue("partner")
    client.force_login(request.getfixturevalue(persona))
    assert {page: client.get(url(draft, page)).status_code for page in PAGES} == expected


def test_a_partner_can_read_but_not_edit(client, draft, partner):
    draft.title = "Felles velkomst"
    draft.save()
    client.force_login(partner)
    assert "Felles velkomst" in client.get(url(draft, "detail")).content.decode()
    response = client.post(url(draft, "basics"), {"title": "Kapret"})
    assert response.status_code == 403
    assert Application.objects.get(pk=draft.pk).title == "Felles velkomst"
    response = client.post(url(draft, "submit"), {"action": "hand_over"})
    assert response.status_code == 403


def test_a_non_partner_gets_404_everywhere(client, draft, stranger):
    client.force_login(stranger)
    for page in PAGES:
        assert client.post(url(draft, page), {"title": "x"}).status_code == 404
    assert client.get(reverse("development:receipt", args=[draft.pk])).status_code == 404
    assert client.get(reverse("development:attachment", args=[draft.pk, 1])).status_code == 404
    assert list(client.get(reverse("development:list")).context["applications"]) == []


def test_the_list_shows_own_and_partner_applications(client, draft, partner, other_municipality):
    own = ApplicationFactory(
        focus_area=area(1), organisation=other_municipality, title="Lier alene"
    )
    ApplicationFactory(focus_area=area(1), title="Noen andres")
    draft.title = "Drammen og Lier"
    draft.save()
    client.force_login(partner)
    page = client.get(reverse("development:list")).content.decode()
    assert "Drammen og Lier" in page and own.title in page
    assert "Noen andres" not in page


def test_the_list_takes_the_same_number_of_queries_for_many_applications(
    client, seeded, municipality, applicant, django_assert_max_num_queries
):
    client.force_login(applicant)
    ApplicationFactory(focus_area=area(1), organisation=municipality)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("development:list"))
    for number in (1, 2, 5):
        ApplicationFactory.create_batch(5, focus_area=area(number), organisation=municipality)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("development:list"))
    assert len(response.context["applications"]) == 16


def test_caseworkers_find_the_submitted_applications_in_a_paged_filtered_list(
    client, seeded, municipality, applicant, signatory, caseworker, django_assert_max_num_queries
):
    """Issue 8: /soknader/ showed IMDi staff "Ingen søknader ennå"."""
    from applications.development.services import application_submit

    from .conftest import IN_TIME, area, make_complete

    submitted = []
    for n in range(3):
        application = make_complete(
            ApplicationFactory(
                focus_area=area(1),
                organisation=municipality,
                created_by=applicant,
                title=f"Prosjekt nummer {n}",
            )
        )
        submitted.append(application_submit(application=application, by=signatory, at=IN_TIME))
    draft = ApplicationFactory(
        focus_area=area(1), organisation=municipality, created_by=applicant, title="Et utkast"
    )
    client.force_login(caseworker)
    assert client.get(reverse("development:list")).url == reverse("assessment:queue")
    list_url = reverse("assessment:queue")
    with django_assert_max_num_queries(14):
        page = client.get(list_url).content.decode()
    for application in submitted:
        assert application.case_number in page
    assert draft.title not in page
    one = submitted[0]
    page = client.get(list_url, {"q": one.case_number}).content.decode()
    assert one.case_number in page and submitted[1].case_number not in page
    assert client.get(list_url, {"year": "²", "q": "\x00"}).status_code == 200


def test_a_caseworker_cannot_open_a_draft_never_submitted(client, caseworker, draft):
    client.force_login(caseworker)
    assert client.get(reverse("development:detail", args=[draft.pk])).status_code == 404
