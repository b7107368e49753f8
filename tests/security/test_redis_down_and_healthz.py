"""Redis down: logging in still works (rate limits stop counting, nothing answers 500), and
/healthz reports the database, Redis and the worker's heartbeat separately.

The fault tests point the cache, or the health check, at a local port where nothing listens;
the shared PostgreSQL and Redis are never stopped."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from imdi_grants.celery import app as celery_app
from imdi_grants.lib.cache import HEARTBEAT_KEY, worker_heartbeat
from tests.factories import PASSWORD
from tests.test_settings import _clean_env

from .conftest import closed_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """The configured cache backend, pointed at a port where no Redis listens."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = caches
    settings.REDIS_URL = caches["default"]["LOCATION"]


def test_logging_in_works_while_redis_is_down(redis_down, applicant):
    client = Client(raise_request_exception=False)
    response = client.post(
        reverse("account_login"), {"login": applicant.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_is_still_refused_while_redis_is_down(redis_down, applicant):
    client = Client(raise_request_exception=False)
    for _ in range(3):
        response = client.post(
            reverse("account_login"), {"login": applicant.email, "password": "feil passord"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors
    assert client.get(reverse("home")).status_code == 302


def test_healthz_reports_each_part(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    worker_heartbeat()
    response = client.get("/healthz", HTTP_HOST="localhost")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["redis"] == "ok"
    assert body["worker"]["status"] == "ok"
    assert body["worker"]["last"]


def test_healthz_says_when_the_worker_has_not_beaten(client, settings):
    from django.core.cache import cache

    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(HEARTBEAT_KEY)
    body = client.get("/healthz", HTTP_HOST="localhost").json()
    assert body["worker"]["status"] == "missing"
    cache.set(HEARTBEAT_KEY, "2020-01-01T00:00:00+00:00")
    response = client.get("/healthz", HTTP_HOST="localhost")
    assert response.status_code == 200  # a stale worker delays mail, the pages still work
    assert response.json()["worker"]["status"] == "stale"


def test_healthz_is_503_when_redis_is_down(redis_down):
    response = Client().get("/healthz", HTTP_HOST="localhost")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["redis"] == "down"


PROBE_HEALTHZ = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/healthz", HTTP_HOST="localhost")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def test_healthz_is_503_when_the_database_is_down():
    """In a process of its own whose database is a port where nothing listens."""
    env = _clean_env(
        DJANGO_ENV="test",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/imdi_grants",
        REDIS_URL="redis://127.0.0.1:6379/12",
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE_HEALTHZ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["status"] == 503
    assert probe["body"]["database"] == "down"
    assert probe["body"]["redis"] == "ok"


def test_beat_runs_the_heartbeat_every_minute_and_the_worker_knows_it(settings):
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "imdi_grants.lib.cache.worker_heartbeat"
    )
    assert entry["schedule"] <= 60
    celery_app.loader.import_default_modules()
    assert "imdi_grants.lib.cache.worker_heartbeat" in celery_app.tasks


def test_healthz_gets_past_host_checks_and_the_https_redirect(settings):
    """As in production behind compose: only the public host allowed besides localhost, and
    every plain-HTTP request redirected to HTTPS, except the health check."""
    settings.ALLOWED_HOSTS = ["localhost", "tilskudd.imdi.no"]
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz", HTTP_HOST="localhost").status_code == 200
    assert client.get(reverse("account_login"), HTTP_HOST="localhost").status_code == 301


def test_compose_health_check_uses_healthz_with_an_allowed_host():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    check = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert "/healthz" in check
    assert "'Host': 'localhost'" in check
    hosts = compose["x-app"]["environment"]["ALLOWED_HOSTS"]
    assert hosts.split(",")[0] == "localhost"
    assert compose["x-app"]["environment"]["EMAIL_URL"].startswith("${EMAIL_URL:?")
