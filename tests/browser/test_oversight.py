"""Issue 11: the oversight pages on the demo data, in Chromium: they open for the lead
caseworker from the start page, the charts are drawn, and axe-core finds no serious or critical
violation in Bokmål, Nynorsk or English."""

from __future__ import annotations

import os

import pytest

from imdi_grants.lib.deadlines import today_in_oslo
from tests.browser.axe import axe_run, axe_source, failing
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


@pytest.fixture
def axe_page(browser):
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
    context.add_init_script(script=axe_source())
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_the_pages_open_draw_their_charts_and_pass_axe(
    live_server,
    demo_data,
    axe_page,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    base, page = live_server.url, axe_page
    login(page, base, "lead@imdi.example")
    page.click("[data-testid=oversight-link]")
    assert page.locator("svg[role=img] title").count() >= 2
    year = today_in_oslo().year
    paths = [
        f"/oversikt/?scheme=development&year={year}",
        "/oversikt/?scheme=reception",
        f"/oversikt/statistikk/?scheme=development&year={year}",
        "/oversikt/statistikk/?scheme=reception",
    ]
    found = []
    for code in ("nb", "nn", "en"):
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": base}]
        )
        for path in paths:
            response = page.goto(f"{base}{path}")
            assert response.ok, path
            found += axe_run(page, f"{code} {path}")
            if os.environ.get("OVERSIGHT_SCREENSHOTS"):
                name = path.strip("/").replace("/", "_").replace("?", "_").replace("&", "_")
                page.screenshot(path=f"/tmp/oversight-{code}-{name}.png", full_page=True)
    print("\n".join(str(v) for v in found))
    bad = failing(found)
    assert not bad, "\n" + "\n".join(str(v) for v in bad)
