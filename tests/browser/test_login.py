import pytest

from imdi_grants.demo.users import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_the_demo_applicant_logs_in_and_sees_drammen(live_server, demo_data, page):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("E-post").fill("applicant@drammen.example")
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Drammen kommune").is_visible()
    assert page.locator("html").get_attribute("lang") == "nb"
    # The skip link is the first thing a keyboard user reaches.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
