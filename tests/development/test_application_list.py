"""Issue 11: the applicant's list of applications is paged (50 to a page), searchable, filtered
by organisation and year, and exports exactly what the filter shows; another organisation's
applications never appear; a bad parameter is ignored."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tests.development.conftest import area
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sixty(seeded, municipality, other_municipality, applicant, outsider):
    for n in range(60):
        ApplicationFactory(
            focus_area=area(1), organisation=municipality, created_by=applicant, title=f"Tiltak {n}"
        )
    ApplicationFactory(
        focus_area=area(1), organisation=other_municipality, created_by=outsider, title="Fremmed"
    )


def test_the_list_is_paged_searchable_and_exports_what_it_shows(client, sixty, applicant):
    client.force_login(applicant)
    url = reverse("development:list")
    first = client.get(url)
    assert first.context["page"].paginator.count == 60
    assert len(first.context["applications"]) == 50
    assert "Fremmed" not in first.content.decode()
    assert len(client.get(url, {"page": 2}).context["applications"]) == 10

    found = client.get(url, {"q": "Tiltak 1"}).context["page"].paginator.count
    assert found == 11  # 1 and 10–19
    body = client.get(url, {"q": "Tiltak 1", "format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert len(rows) == 11 and all(r["tittel"].startswith("Tiltak 1") for r in rows)
    assert client.get(url, {"format": "xlsx"}).status_code == 200


def test_a_bad_parameter_is_ignored(client, sixty, applicant):
    client.force_login(applicant)
    url = reverse("development:list")
    for query in ({"year": "²"}, {"organisation": "x"}, {"q": "\x00"}, {"page": "-1"}):
        assert client.get(url, query).status_code == 200
