"""The error pages are the portal's own, in Norwegian by default: 500 without a request
context, and 404 and 403 in the portal's look."""

from __future__ import annotations

import pytest
from django.template.loader import get_template
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls_error")]


def test_the_500_page_renders_without_a_request_context():
    html = get_template("500.html").render()  # as Django's server_error view renders it
    assert 'class="portal-header"' in html
    assert "/static/css/portal.css" in html


def test_a_failing_view_gets_the_portals_500_page_in_bokmal(applicant):
    client = Client(raise_request_exception=False)
    client.force_login(applicant)
    response = client.get("/test-fails/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="nb"' in html
    with translation.override("nb"):
        assert gettext("Something went wrong") in html
    assert 'class="portal-header"' in html
    assert "a bug" not in html and "Traceback" not in html


def test_404_and_403_are_in_the_portals_look(applicant):
    client = Client(raise_request_exception=False)
    client.force_login(applicant)
    for url, status, heading in (
        ("/finnes-ikke/", 404, "Not found"),
        ("/test-forbidden/", 403, "Not allowed"),
    ):
        response = client.get(url)
        assert response.status_code == status
        html = response.content.decode()
        assert '<html lang="nb"' in html
        assert 'class="portal-header"' in html
        with translation.override("nb"):
            assert gettext(heading) in html
            assert gettext(heading) != heading  # already translated: Bokmål, not English
