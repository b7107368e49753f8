"""What a person meets in the browser beyond axe's rules: pages reflow at 320 CSS px (WCAG
1.4.10), the language menu changes nothing until its button is pressed (3.2.2), status messages
are announced (4.1.3) and focus moves to the error summary when a form comes back (3.3.1)."""

from __future__ import annotations

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string

from applications.development.steps import STEPS
from imdi_grants.accounts.models import Organisation
from imdi_grants.demo.users import DEMO_PASSWORD

from .cases import Cases, cases_build

pytestmark = pytest.mark.browser

WIDTH = 320


@pytest.fixture
def cases(demo_data, settings, tmp_path) -> Cases:
    settings.MEDIA_ROOT = tmp_path / "media"
    return cases_build()


@pytest.fixture
def narrow_page(browser):
    context = browser.new_context(
        locale="nb-NO", timezone_id="Europe/Oslo", viewport={"width": WIDTH, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def login(page, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form.portal-form button[type=submit]")


def too_wide(page) -> list[str]:
    """The page's width beyond the screen, and what sticks out (outside a scrolling box)."""
    return page.evaluate(
        """(width) => {
            if (document.documentElement.scrollWidth <= width) return [];
            const out = [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .filter(e => !e.parentElement.closest(".portal-table-scroll"))
                .slice(0, 3).map(e => e.tagName.toLowerCase() + "." + e.className);
            return [`scrollWidth ${document.documentElement.scrollWidth}`, ...out];
        }""",
        WIDTH,
    )


def test_the_main_pages_reflow_at_320_px(live_server, cases, narrow_page):
    base, c, page = live_server.url, cases, narrow_page
    municipal = [
        "/",
        "/soknader/",
        "/soknader/ny/",
        f"/soknader/{c.draft}/",
        *(f"/soknader/{c.draft}/steg/{step.slug}/" for step in STEPS),
        f"/soknader/{c.draft}/send-inn/",
        "/integreringsmottak/",
        f"/integreringsmottak/{c.grant_offer}/",
        f"/integreringsmottak/{c.open_offer}/akseptbrev/",
        f"/rapporter/{c.open_report}/",
        f"/organisasjoner/{c.organisation.pk}/",
    ]
    staff = [
        "/",
        "/soknader/",
        f"/soknader/{c.submitted}/",
        "/integreringsmottak/",
        f"/integreringsmottak/{c.grant_offer}/",
        "/integreringsmottak/avtaler/",
        f"/integreringsmottak/avtaler/{c.agreement}/",
        "/integreringsmottak/tilbud/",
        "/tilskudd/utbetalinger/",
        f"/rapporter/{c.report}/",
        "/organisasjoner/",
        f"/organisasjoner/{c.organisation.pk}/",
    ]
    failures = []
    page.goto(f"{base}/accounts/login/")
    failures += [f"/accounts/login/: {too_wide(page)}"] if too_wide(page) else []
    for email, paths in (
        ("signatory@drammen.example", municipal),
        ("caseworker@imdi.example", staff),
    ):
        login(page, base, email)
        page.wait_for_url(f"{base}/")
        for path in paths:
            response = page.goto(f"{base}{path}")
            assert response.ok, f"{email} {path}: HTTP {response.status}"
            assert page.evaluate("document.documentElement.clientWidth") == WIDTH
            if wide := too_wide(page):
                failures.append(f"{email} {path}: {wide}")
    assert not failures, "\n".join(failures)


def test_a_wide_table_scrolls_in_its_own_box_reachable_by_keyboard(live_server, cases, narrow_page):
    base, page = live_server.url, narrow_page
    login(page, base, "caseworker@imdi.example")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/organisasjoner/")
    box = page.locator(".portal-table-scroll").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert box.get_attribute("tabindex") == "0"
    assert box.get_attribute("role") == "region"
    assert box.get_attribute("aria-label") == "Organisasjoner"


def test_the_language_menu_changes_only_with_its_button(live_server, demo_data, page):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "nb"
    page.select_option("#language-select", "nn")
    page.wait_for_timeout(300)  # nothing happens on change: no navigation, no reload
    assert page.url == f"{base}/accounts/login/"
    assert page.locator("html").get_attribute("lang") == "nb"
    page.get_by_role("button", name="Bytt").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nn"
    assert page.get_by_role("button", name="Logg inn").is_visible()
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Byt").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Log in").is_visible()


def test_focus_moves_to_the_error_summary_and_its_links_lead_to_the_fields(
    live_server, demo_data, page
):
    base = live_server.url
    # allauth's login form uses the same summary.
    login(page, base, "caseworker@imdi.example", password="wrong")
    summary = page.locator(".ds-error-summary")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.classList.contains('ds-error-summary')")

    login(page, base, "caseworker@imdi.example")
    page.wait_for_url(f"{base}/")
    pk = Organisation.objects.get(municipality_number="3301").pk
    page.goto(f"{base}/organisasjoner/{pk}/inviter/")
    page.get_by_role("button", name="Send invitasjon").click()
    page.wait_for_load_state()
    summary = page.locator(".ds-error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('ds-error-summary')")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_email"


def test_status_messages_are_announced(live_server, demo_data, page):
    base = live_server.url
    login(page, base, "signatory@drammen.example")
    page.wait_for_url(f"{base}/")
    pk = Organisation.objects.get(municipality_number="3301").pk
    page.goto(f"{base}/organisasjoner/{pk}/endre/")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(f"{base}/organisasjoner/{pk}/")
    status = page.get_by_role("status")
    assert "lagret" in status.inner_text()
    assert page.get_by_role("alert").count() == 0


def test_errors_are_alerts_and_other_messages_status(db, rf):
    messages = [
        Message(constants.ERROR, "Feil"),
        Message(constants.SUCCESS, "Lagret"),
        Message(constants.INFO, "Til orientering"),
        Message(constants.WARNING, "Lagret, men se over"),
    ]
    html = render_to_string("base.html", {"messages": messages}, request=rf.get("/"))
    assert 'role="alert">Feil</div>' in html
    assert 'role="status">Lagret</div>' in html
    assert 'role="status">Til orientering</div>' in html
    assert 'role="status">Lagret, men se over</div>' in html
