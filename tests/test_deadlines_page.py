"""The municipal start page shows the soonest deadlines and links to all of them at
``/frister/`` (paged): a busy municipality had 130 deadlines drawn on its start page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from reporting.models import Report, ReportStatus
from schemes.models import ReportKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_reports(accepted_grant):
    """Sixty annual reports due, one a day, after the grant's own."""
    first = dt.date(2030, 1, 1)
    Report.objects.bulk_create(
        Report(
            grant=accepted_grant,
            kind=ReportKind.ANNUAL,
            period_start=first + dt.timedelta(days=n),
            period_end=first + dt.timedelta(days=n),
            due_date=first + dt.timedelta(days=n),
            status=ReportStatus.DUE,
        )
        for n in range(60)
    )
    return accepted_grant


def _dates(html: str) -> list[str]:
    section = html.split('data-testid="deadlines"', 1)[1].split("</ul>", 1)[0]
    return [part.split("</strong>", 1)[0] for part in section.split("<strong>")[1:]]


def test_the_start_page_shows_the_ten_soonest_and_links_to_all(client, signatory, many_reports):
    client.force_login(signatory)
    page = client.get("/").content.decode()
    shown = _dates(page)
    assert len(shown) == 10
    assert 'data-testid="all-deadlines"' in page
    everything = Report.objects.filter(grant=many_reports).count()
    first = client.get(reverse("deadlines")).content.decode()
    second = client.get(reverse("deadlines") + "?page=2").content.decode()
    assert len(_dates(first)) == 50
    assert len(_dates(second)) == everything - 50
    assert _dates(first)[:10] == shown, "the start page shows the soonest, in the same order"
    assert "1. januar 2030" in first and "1. mars 2030" in second


def test_few_deadlines_need_no_link(client, signatory, accepted_grant):
    client.force_login(signatory)
    page = client.get("/").content.decode()
    assert 0 < len(_dates(page)) <= 10
    assert 'data-testid="all-deadlines"' not in page


def test_only_members_see_their_deadlines(client, outsider, many_reports, caseworker):
    client.force_login(outsider)
    assert 'data-testid="deadlines"' not in client.get(reverse("deadlines")).content.decode()
    client.force_login(caseworker)
    assert client.get(reverse("deadlines")).status_code == 302, "staff have the dashboard"
    client.logout()
    response = client.get(reverse("deadlines"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
