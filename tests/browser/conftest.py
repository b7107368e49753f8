from __future__ import annotations

import shutil

import pytest
from django.core.management import call_command

from imdi_grants.accounts.services import organisations_load

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM), "Debian's chromium is missing: make test installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def demo_data(transactional_db, settings):
    settings.DEMO_MODE = True
    organisations_load()
    call_command("seed_schemes", verbosity=0)
    call_command("load_demo", verbosity=0)


def login(page, base: str, email: str) -> None:
    """Log in as a demo user through the login page, from a clean session."""
    from imdi_grants.demo.users import DEMO_PASSWORD

    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.portal-form button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.wait_for_url(f"{base}/")
