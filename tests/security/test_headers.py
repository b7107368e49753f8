"""Headers: a Content-Security-Policy without inline script, no caching of what a logged-in
person sees or downloads, and ``__Host-`` cookies in production."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.test_settings import PRODUCTION_EMAIL, PRODUCTION_SECRET, _probe

ROOT = Path(__file__).resolve().parents[2]

# Rendered to PDF by WeasyPrint, never served to a browser: their <style> is not the page's.
PDF_TEMPLATES = {
    "reception/grant_letter.html",
    "development/receipt.html",
    "assessment/letters/award.html",
    "assessment/letters/decision.html",
    "grants/reaction_letter.html",
    "letters/base.html",
    "grants/closing_letter.html",
}


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.django_db
def test_every_page_has_a_strict_content_security_policy(client, applicant):
    for response in (
        client.get(reverse("account_login")),
        (client.force_login(applicant), client.get(reverse("home")))[1],
    ):
        policy = _directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        # No inline script anywhere, and no inline style either (the templates have none).
        for directive in ("script-src", "style-src", "default-src"):
            values = policy.get(directive, policy["default-src"])
            assert "'unsafe-inline'" not in values, directive
            assert "'unsafe-eval'" not in values, directive


def _served_templates():
    folders = [ROOT / "templates", *ROOT.glob("*/templates"), *ROOT.glob("*/*/templates")]
    for folder in folders:
        if ".venv" in folder.parts or "node_modules" in folder.parts:
            continue
        for path in folder.rglob("*.html"):
            name = path.relative_to(folder).as_posix()
            if name in PDF_TEMPLATES or "/email/" in f"/{name}":
                continue
            yield name, path.read_text(encoding="utf-8")


def test_no_template_has_inline_script_handlers_or_style():
    found = []
    for name, text in _served_templates():
        for match in re.finditer(r"<script\b[^>]*>", text):
            tag = match.group(0)
            if "src=" not in tag and 'type="application/json"' not in tag:
                found.append((name, tag))
        found += [(name, m.group(0)) for m in re.finditer(r"\son[a-z]+\s*=", text)]
        found += [(name, m.group(0)) for m in re.finditer(r"\sstyle\s*=", text)]
        found += [(name, "<style>") for _ in re.finditer(r"<style\b", text)]
    names = {name for name, _ in _served_templates()}
    assert "base.html" in names and "reception/grant_list.html" in names
    assert not found, found


@pytest.mark.django_db
def test_pages_of_a_logged_in_person_are_not_stored(client, applicant):
    client.force_login(applicant)
    for name in ("home", "development:list", "reception:grant_list"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], name


@pytest.mark.django_db
def test_downloads_are_not_stored(client, caseworker):
    client.force_login(caseworker)
    response = client.get(reverse("grants:payments_export", args=["csv"]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_production_cookies_have_the_host_prefix():
    probe = _probe(
        DJANGO_ENV="production",
        SECRET_KEY=PRODUCTION_SECRET,
        ALLOWED_HOSTS="tilskudd.imdi.no",
        EMAIL_URL=PRODUCTION_EMAIL,
    )
    cookies = probe["cookies"]
    assert cookies["session"] == ["__Host-sessionid", True, "/", None]
    assert cookies["csrf"] == ["__Host-csrftoken", True, "/", None]


def test_development_cookies_keep_their_plain_names():
    cookies = _probe()["cookies"]
    assert cookies["session"][0] == "sessionid"
    assert cookies["csrf"][0] == "csrftoken"
