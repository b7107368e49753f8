"""Issue 11: the reports list (the reports' status) is paged, filtered and exported as filtered;
an organisation's users see only their own reports; a bad parameter is ignored."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_staff_filter_and_export_the_reports_and_others_see_their_own(
    client, accepted_grant, caseworker, applicant, outsider
):
    url = reverse("reporting:report_list")
    client.force_login(caseworker)
    assert client.get(url).context["page"].paginator.count == 3
    annual = client.get(url, {"kind": "annual"})
    assert annual.context["page"].paginator.count == 1
    body = client.get(url, {"kind": "half_year", "format": "csv"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert len(rows) == 2 and {r["saksnummer"] for r in rows} == {accepted_grant.case_number}
    assert client.get(url, {"overdue": "on"}).status_code == 200

    client.force_login(applicant)
    assert client.get(url).context["page"].paginator.count == 3
    client.force_login(outsider)
    assert client.get(url).context["page"].paginator.count == 0


def test_a_bad_parameter_is_ignored(client, accepted_grant, caseworker):
    client.force_login(caseworker)
    url = reverse("reporting:report_list")
    for query in ({"year": "²"}, {"status": "x"}, {"q": "\x00"}, {"page": "zz"}):
        assert client.get(url, query).status_code == 200
