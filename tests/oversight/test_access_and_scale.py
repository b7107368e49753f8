"""Issue 11: the oversight pages are IMDi staff's only (404 to everyone else), a parameter
that does not parse is ignored (never a 500), and each page costs the same few queries
whether the year holds a handful of cases or many."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import grow

pytestmark = pytest.mark.django_db

#: Every page of the app, with the parameters that choose a scheme year.
PAGES = [
    (reverse("oversight:dashboard"), {"scheme": "development", "year": 2025}),
    (reverse("oversight:dashboard"), {"scheme": "reception", "year": 2024}),
    (reverse("oversight:statistics"), {"scheme": "development", "year": 2025}),
    (reverse("oversight:statistics"), {"scheme": "reception", "year": 2024}),
    (reverse("oversight:statistics_export", args=["csv"]), {"scheme": "development", "year": 2025}),
    (reverse("oversight:statistics_export", args=["xlsx"]), {"scheme": "reception", "year": 2024}),
    (reverse("oversight:deadlines"), {"scheme": "development", "year": 2025, "liste": "upcoming"}),
]
MAX_QUERIES = 10


def test_municipal_users_and_others_get_404_and_anonymous_users_the_login(
    client, world, signatory, nobody
):
    for url, query in PAGES:
        assert client.get(url, query).status_code == 302, "anonymous: to the login"
        for user in (signatory, nobody):
            client.force_login(user)
            assert client.get(url, query).status_code == 404, (url, user)
            client.logout()
    client.force_login(world.staff)
    for url, query in PAGES:
        assert client.get(url, query).status_code == 200, url
        assert client.post(url, query).status_code == 405, "read-only"


@pytest.mark.parametrize(
    "query",
    [
        {"scheme": "nope", "year": "²"},
        {"year": "%00"},
        {"year": "\x00"},
        {"scheme": "\x00"},
        {"year": "99999999999999999999"},
        {"year": "-1"},
        {"scheme": "reception", "year": "1999"},
        {"scheme": ["development", "reception"], "year": ["2025", "x"]},
    ],
)
def test_a_bad_parameter_is_ignored(client, world, query):
    client.force_login(world.staff)
    for url in (reverse("oversight:dashboard"), reverse("oversight:statistics")):
        response = client.get(url, query)
        assert response.status_code == 200, (url, query)
        assert response.context["scheme_year"] is not None
    export = client.get(reverse("oversight:statistics_export", args=["csv"]), query)
    assert export.status_code == 200


def test_the_defaults_and_an_unknown_format(client, world):
    client.force_login(world.staff)
    response = client.get(reverse("oversight:dashboard"))
    assert response.context["scheme_year"] == world.development, "this year's development round"
    response = client.get(reverse("oversight:dashboard"), {"scheme": "reception", "year": 2025})
    assert response.context["scheme_year"] == world.reception, "the scheme's newest year"
    bad = client.get(reverse("oversight:statistics_export", args=["pdf"]))
    assert bad.status_code == 404


def _queries(client, url, query) -> int:
    """The page's queries with nothing kept from an earlier request (the figures kept between
    requests would hide the count)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(captured)


def test_every_page_costs_the_same_few_queries_with_little_or_much_data(client, world):
    client.force_login(world.staff)
    client.get(reverse("oversight:dashboard"))  # the session's first request writes it once
    little = [_queries(client, url, query) for url, query in PAGES]
    grow(world, 25)
    much = [_queries(client, url, query) for url, query in PAGES]
    assert much == little
    assert max(much) <= MAX_QUERIES, much
    # The data did grow: the dashboard lists many more deadlines.
    board = client.get(*PAGES[0]).context["board"]
    assert len(board.deadlines.upcoming) > 25


def test_the_dashboard_shows_the_first_deadlines_and_pages_the_rest(client, world):
    """A busy year had hundreds of deadline rows drawn on the dashboard."""
    grow(world, 29)
    client.force_login(world.staff)
    query = {"scheme": "development", "year": 2025}
    response = client.get(reverse("oversight:dashboard"), query)
    upcoming = response.context["board"].deadlines.upcoming
    assert len(upcoming) > 50, len(upcoming)
    page = response.content.decode()
    table = page.split('data-testid="upcoming"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") - 1 == 15, "the header row and the first fifteen"
    assert 'data-testid="upcoming-all"' in page
    listed = []
    for number in (1, 2, 3):
        response = client.get(
            reverse("oversight:deadlines"), {**query, "liste": "upcoming", "page": number}
        )
        assert response.status_code == 200
        listed += [row.case_number for row in response.context["page"].object_list]
        if not response.context["page"].has_next():
            break
    assert listed == [row.case_number for row in upcoming], "every row, in the same order"
    response = client.get(reverse("oversight:deadlines"), {**query, "liste": "nonsense"})
    assert response.context["which"] == "overdue"


def test_the_figures_are_kept_until_something_changes(client, world):
    """The year's sums are read once and kept (a page view costs no aggregate) until a state
    change writes an audit entry; then the next page counts again and shows the change."""
    from grants.models import Grant, GrantStatus
    from imdi_grants.audit.services import audit_log

    client.force_login(world.staff)
    query = {"scheme": "development", "year": 2025}
    cache.clear()
    first = client.get(reverse("oversight:dashboard"), query)
    awarded = first.context["board"].totals.awarded
    with CaptureQueriesContext(connection) as cached:
        assert (
            client.get(reverse("oversight:dashboard"), query).context["board"].totals.awarded
            == awarded
        )
    assert len(cached) < _queries(client, reverse("oversight:dashboard"), query)
    # A grant lapses, through a transition that writes its audit entry: counted again.
    grant = Grant.objects.filter(scheme_year__year=2025, status=GrantStatus.ACCEPTED).first()
    Grant.objects.filter(pk=grant.pk).update(status=GrantStatus.LAPSED)
    stale = client.get(reverse("oversight:dashboard"), query).context["board"].totals.awarded
    assert stale == awarded, "no audit entry yet: the kept figures stand"
    audit_log(subject=grant, action="imdi.grant.lapsed", actor=world.staff)
    fresh = client.get(reverse("oversight:dashboard"), query).context["board"].totals.awarded
    assert fresh < awarded
