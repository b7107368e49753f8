"""Load test: IMDi staff working through the lists and cases while applicants look at their start
page and save drafts, against the volume data behind gunicorn.

    locust -f bench/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8001

``bench/http_speed.py`` makes the sessions and picks the pages first (it writes them to
``imdi_bench_http_sessions.json`` in the temporary directory) and starts gunicorn; with
``--locust`` it runs this itself. Any answer other than the page (a redirect to the login, a 403,
a 500) counts as a failure. One user in three is a caseworker.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from pathlib import Path

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

SESSIONS = json.loads(
    Path(
        os.environ.get("BENCH_SESSIONS_FILE")
        or Path(tempfile.gettempdir()) / "imdi_bench_http_sessions.json"
    ).read_text()
)
STAFF_PAGES = [p for p in SESSIONS["pages"] if p["kind"] in ("list", "case")]
APPLICANT_PAGES = [p for p in SESSIONS["pages"] if p["kind"] == "applicant" and not p["post"]]


class _Person(FastHttpUser):
    """geventhttpclient rather than requests: the load generator shares the two cores with
    gunicorn and PostgreSQL, and locust's fast client costs a few times less per request."""

    abstract = True
    wait_time = between(0.1, 0.5)  # short thinking time: 50 users offer well over 80 req/s

    def _login(self, session: str) -> None:
        """The session made in the database, and a CSRF secret of our own (Django takes the
        unmasked 32-character secret as the form's token); sent as a header, so no cookie the
        server sets back is mixed in."""
        self.cookie = f"sessionid={session}; csrftoken={SESSIONS['csrftoken']}"

    def _get(self, page: dict) -> None:
        with self.client.get(
            page["url"],
            name=page["name"],
            headers={"Cookie": self.cookie},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")


class Caseworker(_Person):
    weight = 1

    def on_start(self) -> None:
        self._login(SESSIONS["lead"])

    @task
    def browse(self) -> None:
        page = random.choice(STAFF_PAGES)
        if page["who"] == "admin":
            self._login(SESSIONS["admin"])
            self._get(page)
            self._login(SESSIONS["lead"])
        else:
            self._get(page)


class Applicant(_Person):
    weight = 2

    def on_start(self) -> None:
        me = random.choice(SESSIONS["applicants"])
        self.draft = me["draft"]
        self._login(me["session"])

    @task(3)
    def start_page(self) -> None:
        for page in APPLICANT_PAGES:
            self._get(page)

    @task(1)
    def save_draft(self) -> None:
        data = dict(SESSIONS["basics"], csrfmiddlewaretoken=SESSIONS["csrftoken"])
        data["summary"] += f" ({random.randrange(1000)})"
        with self.client.post(
            f"/soknader/{self.draft}/steg/basics/",
            data=data,
            name="draft save",
            headers={"Cookie": self.cookie},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:  # saved, on to the same step
                response.failure(f"{response.status_code}")
