"""Issue 11: open data of awarded grants, for anyone without logging in: accepted grants only
(no refusal, no lapsed or unaccepted offer, no person), filtered by year and scheme, paged, as
CSV and JSON with documented fields, cacheable, and at a constant number of queries."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import GrantStatus

pytestmark = pytest.mark.django_db


def test_the_public_sees_accepted_grants_and_nothing_else(client, accepted_grant, signatory):
    response = client.get(reverse("open_data"))
    assert response.status_code == 200, "no login needed"
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    page = response.content.decode()
    assert accepted_grant.organisation.name in page
    assert signatory.full_name not in page and signatory.email not in page
    assert accepted_grant.bank_account_number not in page

    data = client.get(reverse("open_data_export", args=["json"]), {"year": 2024}).json()
    (row,) = data["grants"]
    assert row["recipient"] == accepted_grant.organisation.name
    assert row["organisation_number"] == (accepted_grant.organisation.organisation_number or "")
    assert Decimal(row["amount"]) == accepted_grant.amount
    assert row["scheme"] == "reception" and row["year"] == 2024
    assert set(row) == set(data["fields"]), "every field is documented"

    body = client.get(reverse("open_data_export", args=["csv"])).content.decode()
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert rows[0]["case_number"] == accepted_grant.case_number

    type(accepted_grant).objects.filter(pk=accepted_grant.pk).update(status=GrantStatus.LAPSED)
    assert client.get(reverse("open_data_export", args=["json"])).json()["grants"] == []
    assert accepted_grant.organisation.name not in client.get(reverse("open_data")).content.decode()


def test_a_bad_filter_is_ignored_not_an_error(client, accepted_grant):
    for query in ({"year": "²"}, {"year": "1999"}, {"scheme": "x"}, {"page": "%00"}):
        assert client.get(reverse("open_data"), query).status_code == 200
    assert client.get(reverse("open_data_export", args=["exe"])).status_code == 404


def test_the_page_takes_the_same_queries_for_one_grant_or_many(client, accepted_grant):
    from tests.factories import MunicipalityFactory

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("open_data"))
    for n in range(12):
        grant = type(accepted_grant).objects.get(pk=accepted_grant.pk)
        grant.pk = None
        grant.case_number = f"2024/9{n:04d}"
        grant.organisation = MunicipalityFactory()
        grant.save()
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("open_data"))
    assert response.context["page"].paginator.count == 13
    assert len(many) == len(one)
