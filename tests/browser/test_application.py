"""The development grant's application round in a browser, as the Drammen demo users would do it:
the applicant fills in an area-1 application over several visits, the signatory submits, and a
real Celery worker makes the receipt."""

from __future__ import annotations

import io
import re
import time

import pytest
from pypdf import PdfReader

from applications.development.models import Application, Receipt
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.worker]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
TITLE = "Språkpraksis i kommunale arbeidsplasser"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def save_and_continue(page):
    page.get_by_role("button", name="Lagre og gå videre").click()
    page.wait_for_load_state()


def checklist(page):
    """The checklist's text, also what is behind a closed <details>."""
    return page.get_by_test_id("checklist").text_content()


def step_state(page, title):
    """What the progress indicator says of a step, in words."""
    step = page.locator(".portal-progress__step", has_text=title)
    return step.locator(".portal-progress__state").inner_text()


def test_drammen_applies_over_several_visits_and_the_signatory_submits(
    live_server, demo_data, celery_worker_on_redis, page
):
    base = live_server.url

    # First visit: the applicant starts an area-1 application in the open (demo) round.
    login(page, base, "applicant@drammen.example")
    page.goto(f"{base}/soknader/")
    page.get_by_role("link", name="Start en ny søknad").click()
    assert page.get_by_text("Bare fylkeskommuner").first.is_visible()  # area 4, who may apply
    value = page.locator("select[name=focus_area] option", has_text="1. Innovative").first
    page.select_option("select[name=focus_area]", value=value.get_attribute("value"))
    page.get_by_role("button", name="Start søknaden").click()
    page.wait_for_url(re.compile(r"/soknader/\d+/steg/basics/$"))
    pk = int(re.search(r"/soknader/(\d+)/", page.url).group(1))

    # The steps are a progress indicator, in words; the checklist is there from the first step,
    # a line per step with the details one click away.
    current = page.locator("[aria-current=step]")
    assert current.count() == 1
    assert "Grunnopplysninger" in current.inner_text() and "Du er her" in current.inner_text()
    assert step_state(page, "Deltakere, periode og budsjett") == "Gjenstår"
    assert "Prosjektet må ha minst ti deltakere" in checklist(page)
    budget_line = page.locator(
        ".portal-checklist__details", has_text="Deltakere, periode og budsjett"
    )
    assert not budget_line.locator(".portal-check--problem").first.is_visible()
    budget_line.locator("summary").click()
    assert budget_line.get_by_text("Prosjektet må ha minst ti deltakere").is_visible()
    page.get_by_label("Prosjekttittel").fill(TITLE)
    page.get_by_label("Sammendrag").fill("Deltakere får språkpraksis i kommunen.")
    page.get_by_label("Mål", exact=True).fill("Flere i arbeid.")
    page.get_by_label("Målgruppe").fill("Nyankomne innvandrere i introduksjonsprogrammet.")
    save_and_continue(page)
    assert step_state(page, "Grunnopplysninger") == "Ferdig"
    page.get_by_label("Planlagte aktiviteter").fill("Språkpraksis med veileder.")
    page.get_by_label("Hvordan prosjektet er i tråd med formålet").fill("Arbeidsrettet.")
    page.get_by_label("Gjennomføringsevne").fill("Erfaren prosjektgruppe.")
    page.get_by_label("Nasjonal overføringsverdi").fill("Modellen kan brukes i alle kommuner.")
    page.get_by_label("Hvordan produktene blir fritt tilgjengelige for andre").fill(
        "Veileder publiseres åpent."
    )
    save_and_continue(page)

    # A typo is kept, with its error, and the rest saved.
    page.get_by_label("Antall deltakere").fill("12")
    page.get_by_label("Prosjektstart").fill("2027-08-01")
    page.get_by_label("Prosjektperiode (år)").fill("1")
    page.fill("input[name=funding-0-amount_applied]", "400 000")
    page.fill("input[name=funding-0-own_contribution]", "ca. 100 000")
    page.fill("input[name=lines-0-description]", "Prosjektleder")
    page.fill("input[name=lines-0-amount]", "500 000 kr")
    save_and_continue(page)
    assert page.get_by_text("Utkastet er lagret, men noen felt må rettes").is_visible()
    assert page.get_by_text("Oppgi et beløp i kroner, for eksempel 300 000 eller").is_visible()
    assert page.locator("input[name=funding-0-own_contribution]").input_value() == "ca. 100 000"

    # Second visit: everything typed is still there.
    login(page, base, "applicant@drammen.example")
    page.goto(f"{base}/soknader/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Fortsett utfyllingen").click()
    assert page.get_by_label("Prosjekttittel").input_value() == TITLE
    page.get_by_role("link", name="Deltakere, periode og budsjett").click()
    assert page.locator("input[name=funding-0-own_contribution]").input_value() == "ca. 100 000"
    assert page.locator("input[name=lines-0-amount]").input_value() == "500 000 kr"
    assert page.get_by_label("Antall deltakere").input_value() == "12"
    # Amounts as people type them: øre are rounded to whole kroner, and shown with spaces.
    page.fill("input[name=funding-0-own_contribution]", "99999,50")
    page.fill("input[name=funding-0-amount_applied]", "400000,00")
    page.get_by_role("button", name="Lagre utkast").click()
    page.wait_for_load_state()
    assert page.locator("input[name=funding-0-own_contribution]").input_value() == "100 000"
    assert page.locator("input[name=funding-0-amount_applied]").input_value() == "400 000"
    align = page.locator("input[name=funding-0-amount_applied]").evaluate(
        "input => getComputedStyle(input).textAlign"
    )
    assert align == "right"
    save_and_continue(page)
    assert "Prosjektet må ha minst ti deltakere" not in checklist(page)

    # The partner picker: a search field filters the ~370 organisations as one types.
    options = page.locator(".portal-picker__list > li")
    assert options.count() > 350
    assert page.locator(".portal-picker__list > li:visible").count() == 0
    page.get_by_label("Søk etter en kommune eller fylkeskommune").fill("lier")
    page.wait_for_function(
        "() => document.querySelectorAll('.portal-picker__list > li:not([hidden])').length < 5"
    )
    page.get_by_label("Lier kommune").check()
    assert page.locator("[data-picker-chosen]").inner_text() == "Lier kommune"
    # Without a search only the chosen are shown: nobody tabs through 370 boxes.
    page.get_by_label("Søk etter en kommune eller fylkeskommune").fill("")
    assert page.locator(".portal-picker__list > li:visible").count() == 1
    page.get_by_label("Søk etter en kommune eller fylkeskommune").press("Enter")  # not a submit
    assert "/steg/partners/" in page.url
    page.fill("input[name=earlier-0-title]", "Jobbsjansen Drammen")
    page.fill("input[name=earlier-0-year]", "2022")
    page.fill("textarea[name=earlier-0-result]", "Åtte av ti i arbeid eller utdanning")
    save_and_continue(page)
    assert [p.name for p in Application.objects.get(pk=pk).partners.all()] == ["Lier kommune"]
    save_and_continue(page)  # area 1: no social entrepreneur or allowance in this project

    # Declarations and attachments: a PDF is taken, an EXE renamed to .pdf is refused.
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "budsjett.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.get_by_role("button", name="Last opp").click()
    assert page.get_by_text("«budsjett.pdf» er lastet opp.").is_visible()
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "program.pdf", "mimeType": "application/pdf", "buffer": EXE}],
    )
    page.get_by_role("button", name="Last opp").click()
    assert page.get_by_text(
        "«program.pdf» er ikke en PDF-, Word- (DOCX) eller Excel-fil (XLSX)."
    ).is_visible()
    page.get_by_label("Midlene skal ikke finansiere ordinær drift").check()
    page.get_by_label("Norskopplæringen følger læreplanene").check()
    page.get_by_label("Produktene blir fritt tilgjengelige for andre etter prosjektet").check()
    page.get_by_label("Unntak etter integreringsloven § 38").select_option("not_needed")
    save_and_continue(page)

    # Review: every rule is met; the applicant cannot submit, only hand over.
    page.wait_for_url(f"{base}/soknader/{pk}/send-inn/")
    assert page.locator(".portal-check--problem").count() == 0
    assert page.get_by_text("Alt som trengs for innsending, er på plass.").is_visible()
    assert page.get_by_role("button", name="Godkjenn og send inn").count() == 0
    page.get_by_role("button", name="Overlever til godkjenning").click()
    assert page.get_by_text("Søknaden er overlevert til en signaturberettiget").is_visible()

    # The signatory approves and submits.
    login(page, base, "signatory@drammen.example")
    page.goto(f"{base}/soknader/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Se over og send inn").click()
    assert (
        page.locator("form[data-busy]")
        .filter(has=page.get_by_role("button", name="Godkjenn og send inn"))
        .count()
        == 1
    )
    page.get_by_role("button", name="Godkjenn og send inn").click()
    application = Application.objects.get(pk=pk)
    assert application.case_number
    assert page.get_by_text(f"sendt inn med saksnummer {application.case_number}").is_visible()

    # The worker makes the receipt; the organisation downloads it.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not Receipt.objects.filter(emailed_at__isnull=False):
        time.sleep(0.2)
    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned kvitteringen (PDF)").click()
    with open(download.value.path(), "rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert application.case_number in text
    assert TITLE in text

    # Frozen: the form steps lead back to the application.
    page.goto(f"{base}/soknader/{pk}/steg/basics/")
    assert page.url == f"{base}/soknader/{pk}/"
