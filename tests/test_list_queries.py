"""Every staff list and dashboard, and the applicant's own lists, take at most ten queries, and
the same number with ten times the data: the volume generator (``bench/generate.py``) fills the
test database with three years of both schemes at two sizes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.generate import BUSY_MUNICIPALITY, generate

MAX_QUERIES = 10
#: The applicant's start page gathers everything the organisations must do next, from each
#: table in turn (memberships, open rounds and their areas, reception grants and their reports,
#: drafts to sign, the deadlines of letters, reports and reclaims in one union, decisions that
#: may be appealed): it is no staff list, and is held to the same number at any volume.
CEILING = {("applicant", "/"): 10}
OSLO = ZoneInfo("Europe/Oslo")
TODAY = dt.date(2026, 11, 24)

#: (who, url): "lead" and "admin" are IMDi staff; "applicant" is the signatory of the
#: organisation that applies most; "anonymous" is not logged in.
PAGES = [
    ("lead", "/"),
    ("admin", "/"),
    ("lead", "/vurdering/"),
    ("lead", "/vurdering/?order=-score"),
    ("lead", "/vurdering/?page=2&order=applied"),
    ("lead", "/vurdering/?year={round}&area={area}&assessor={assessor}"),
    ("lead", "/vurdering/omrade/{area}/"),
    ("lead", "/vurdering/ramme/{round}/"),
    ("admin", "/vurdering/habilitet/"),
    ("lead", "/tilskudd/utbetalinger/"),
    ("lead", "/organisasjoner/"),
    ("lead", "/organisasjoner/?q=kommune&page=2"),
    ("lead", "/klager/"),
    ("lead", "/ventende/"),
    ("admin", "/revisjon/"),
    ("admin", "/revisjon/?page=2"),
    ("lead", "/apne-data/"),
    ("anonymous", "/apne-data/"),
    ("lead", "/integreringsmottak/"),
    ("lead", "/integreringsmottak/avtaler/"),
    ("lead", "/integreringsmottak/tilbud/"),
    ("lead", "/oversikt/"),
    ("admin", "/oversikt/?scheme=development&year=2025"),
    ("lead", "/oversikt/?scheme=reception&year=2025"),
    ("lead", "/oversikt/statistikk/"),
    ("lead", "/oversikt/statistikk/?scheme=reception&year=2024"),
    ("applicant", "/"),
    ("applicant", "/soknader/"),
    ("applicant", "/klager/"),
    ("applicant", "/integreringsmottak/"),
    ("applicant", "/varsler/"),
]


#: The Django admin's lists (every registered model) are held to a ceiling of their own: the
#: admin adds its own counts and filter choices, but a row must never cost a query.
ADMIN_CEILING = 12


def _admin_pages() -> list[tuple[str, str]]:
    from django.contrib import admin
    from django.urls import reverse

    return [
        ("admin", reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        for model in admin.site._registry
    ]


def _clients() -> dict[str, Client]:
    from imdi_grants.accounts.models import Membership, User

    users = {
        "lead": User.objects.get(email="bench-lead@imdi.example"),
        "admin": User.objects.get(email="bench-admin@imdi.example"),
        "applicant": Membership.objects.get(
            organisation__municipality_number=BUSY_MUNICIPALITY, role="signatory"
        ).user,
    }
    clients = {"anonymous": Client()}
    for who, user in users.items():
        clients[who] = Client()
        clients[who].force_login(user)
    return clients


def _ids() -> dict[str, int]:
    """The last decided round, its busiest focus area and a caseworker, for the pages' URLs."""
    from django.db.models import Count

    from imdi_grants.accounts.models import User
    from schemes.models import FocusArea

    area = (
        FocusArea.objects.filter(
            scheme_year__year=TODAY.year, scheme_year__scheme__code="development"
        )
        .annotate(applications_in=Count("applications"))
        .order_by("-applications_in")
        .first()
    )
    assessor = (
        User.objects.filter(assignments__application__focus_area=area)
        .annotate(assigned=Count("assignments"))
        .order_by("-assigned", "pk")
        .first()
    )
    return {"round": area.scheme_year_id, "area": area.pk, "assessor": assessor.pk}


def _queries(applications: int) -> dict[tuple[str, str], int]:
    """Generate the volume data, then count each page's queries (after one request to warm
    the caches that every process warms once)."""
    rows = generate(applications=applications, today=TODAY, say=lambda _line: None)
    assert rows["development.Application"] > applications  # and next round's drafts
    cache.clear()
    clients = _clients()
    ids = _ids()
    counts = {}
    for who, page in PAGES + _admin_pages():
        client, url = clients[who], page.format(**ids)
        assert client.get(url).status_code == 200, (who, url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (who, url)
        counts[who, page] = len(captured.captured_queries)
    return counts


@pytest.mark.django_db
def test_every_list_takes_at_most_ten_queries_at_any_volume(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The day the data describes: next year's round is open, this year's reports are due.
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=OSLO), tick=True):
        with transaction.atomic():  # the small volume, rolled back before the large one
            small = _queries(30)
            transaction.set_rollback(True)
        large = _queries(300)
    admin_pages = _admin_pages()
    table = "\n".join(
        f"{who:9} {url:40} {small[who, url]:>3} {large[who, url]:>3}"
        for who, url in PAGES + admin_pages
    )
    ceiling = {**CEILING, **dict.fromkeys(admin_pages, ADMIN_CEILING)}
    too_many = [
        page
        for page in PAGES + admin_pages
        if max(small[page], large[page]) > ceiling.get(page, MAX_QUERIES)
    ]
    growing = [page for page in PAGES + admin_pages if small[page] != large[page]]
    assert len(admin_pages) > 20, "every model the admin lists"
    assert not too_many and not growing, f"queries at 30 and at 300 applications:\n{table}"
