from __future__ import annotations

import os

import pytest
from django.core.cache import cache

from imdi_grants.accounts.models import MembershipRole
from schemes.services import schemes_seed

from .factories import (
    AdministratorFactory,
    CaseworkerFactory,
    MembershipFactory,
    MunicipalityFactory,
    UserFactory,
)

pytest_plugins = ["tests.reception_fixtures"]

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used
# synchronously there (by live_server fixtures and the tests themselves).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _clean_cache():
    """allauth keeps its login rate limits in the cache (Redis in tests); start each test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded(db):
    schemes_seed()


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(name="Drammen kommune", short_name="Drammen")


@pytest.fixture
def other_municipality(db):
    return MunicipalityFactory(name="Lier kommune", short_name="Lier")


@pytest.fixture
def applicant(municipality):
    return MembershipFactory(organisation=municipality, role=MembershipRole.APPLICANT).user


@pytest.fixture
def signatory(municipality):
    return MembershipFactory(organisation=municipality, role=MembershipRole.SIGNATORY).user


@pytest.fixture
def outsider(other_municipality):
    """A signatory of another municipality."""
    return MembershipFactory(organisation=other_municipality, role=MembershipRole.SIGNATORY).user


def _with_totp(user):
    """IMDi staff have a TOTP authenticator (the portal requires one outside demo mode)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def caseworker(db):
    return _with_totp(CaseworkerFactory())


@pytest.fixture
def second_caseworker(db):
    """The second pair of eyes: approves what ``caseworker`` proposes."""
    return _with_totp(CaseworkerFactory())


@pytest.fixture
def administrator(db):
    return _with_totp(AdministratorFactory())


@pytest.fixture
def nobody(db):
    """Logged in, but member of nothing and no staff role."""
    return UserFactory()


@pytest.fixture
def celery_worker_on_redis(transactional_db, settings):
    """A real Celery worker consuming from Redis in this process (tasks see committed rows)."""
    from celery.contrib.testing.worker import start_worker

    from imdi_grants.celery import app

    assert not app.conf.task_always_eager, "the test settings must use the Redis broker"
    app.control.purge()  # messages left by earlier tests point at rows that are gone
    app.loader.import_default_modules()  # every app's tasks.py, before the worker lists them
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
