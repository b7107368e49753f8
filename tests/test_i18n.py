"""Every message has its Bokmål and Nynorsk translation (the Language Act asks for both)."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse

LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_message_is_translated(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    missing = [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete
        and (
            "fuzzy" in entry.flags
            or (not entry.msgid_plural and not entry.msgstr)
            or (entry.msgid_plural and not all(entry.msgstr_plural.values()))
        )
    ]
    assert missing == [], f"{len(missing)} messages lack a {language} translation: {missing[:10]}"


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_compiled_catalogue_matches_the_source(language):
    """The .mo files are committed (running needs no gettext); they must say what the .po says."""
    folder = LOCALE / language / "LC_MESSAGES"
    source = {e.msgid: _text(e) for e in polib.pofile(str(folder / "django.po")) if _text(e)}
    compiled = {e.msgid: _text(e) for e in polib.mofile(str(folder / "django.mo")) if e.msgid}
    assert compiled == source


def _text(entry) -> object:
    """What an entry translates to: its text, or its plural forms in order."""
    if entry.msgid_plural:
        return tuple(text for _form, text in sorted(entry.msgstr_plural.items()))
    return entry.msgstr


@pytest.mark.django_db
def test_bokmal_is_the_default_whatever_the_browser_asks(client: Client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "nb"
    assert 'lang="nb"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("nn", "Logg inn"), ("en", "Log in")])
def test_a_person_can_choose_nynorsk_or_english(client: Client, language, text):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    response = client.get(reverse("account_login"))
    assert response["Content-Language"] == language
    assert text in response.content.decode()
