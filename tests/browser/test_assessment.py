"""Issue 9 in a browser, on the demo round in assessment (``demo_data``), with a real Celery worker
rendering the letters: two caseworkers declare their impartiality and score Drammen's "Språk og
arbeid i Drammen"; a third declares a conflict of interest and is refused the case everywhere;
the lead caseworker agrees the score, ranks, decides the area, makes it final and sends the
letters; the grant letter says what the circular asks, and Drammen's signatory accepts it. A
second application is dismissed after a failed formal check, and its letter states the right to
appeal and to see the documents."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.utils import translation
from django.utils.formats import date_format
from pypdf import PdfReader

from applications.assessment.models import (
    FORMAL_CHECKS,
    AreaAllocation,
    Decision,
    DecisionLetter,
    Score,
)
from applications.development.models import Application, Status
from grants.models import GrantLetter
from imdi_grants.lib.deadlines import today_in_oslo
from schemes.models import FocusArea, SchemeCode, SchemeYear
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.worker]

SPECIAL_CONDITION = "Prosjektet skal dele veilederen for språkpraksis med IMDi innen 1. desember."
DISMISSAL_GROUNDS = "Bare seks av deltakerne er i målgruppen; kravet er minst ti deltakere."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def submit(page, selector):
    """Click a form's button and wait for the page the form leads to."""
    with page.expect_navigation():
        page.click(selector)


def declare(page, base, pk, *, conflict=""):
    """Open the case: the portal asks for the impartiality declaration first."""
    page.goto(f"{base}/vurdering/{pk}/")
    page.wait_for_url(re.compile(rf"/soknader/{pk}/habilitet/"))
    page.check(f"input[name=has_conflict][value={'yes' if conflict else 'no'}]")
    if conflict:
        page.fill("textarea[name=explanation]", conflict)
    page.click("form.portal-form button[type=submit]")
    page.wait_for_url(f"{base}/vurdering/" if conflict else f"{base}/vurdering/{pk}/")


def open_details(page, action):
    """Unfold the <details> that holds the form posting to ``action``."""
    details = page.locator(f"details:has(form[action$='{action}'])")
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()


def score(page, pk, values):
    for name, value in zip(("purpose", "capacity", "transfer"), values, strict=True):
        page.select_option(f"select[name=sc-{name}]", str(value))
        page.fill(f"textarea[name=sc-{name}_note]", f"Vurdert til {value} etter rundskrivet.")
    page.check("input[name=sc-prio_large_or_multi_year]")
    submit(page, f"form[action$='/{pk}/poeng/'] button[name=submit]")


def pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.replace("\xa0", " ").split())


def wait_rendered(letter, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not letter.rendered_at:
        time.sleep(0.3)
        letter.refresh_from_db()
    assert letter.rendered_at and letter.file, "the worker did not render the letter"


def nb_date(day) -> str:
    with translation.override("nb"):
        return date_format(day, "j. F Y")


def test_the_assessment_from_impartiality_to_the_accepted_grant(
    live_server, demo_data, celery_worker_on_redis, page
):
    base = live_server.url
    round_ = SchemeYear.objects.get(scheme__code=SchemeCode.DEVELOPMENT, year=today_in_oslo().year)
    area_1 = FocusArea.objects.get(scheme_year=round_, number=1)
    application = Application.objects.get(scheme_year=round_, title="Språk og arbeid i Drammen")
    assert application.status == Status.SUBMITTED
    pk, case = application.pk, application.case_number

    # A caseworker declares no conflict of interest and makes the formal check: all met.
    login(page, base, "caseworker@imdi.example")
    declare(page, base, pk)
    for name in FORMAL_CHECKS:
        page.check(f"input[name=fc-{name}]")
    submit(page, f"form[action$='/{pk}/formell-kontroll/'] button[type=submit]")
    assert Application.objects.get(pk=pk).status == Status.IN_ASSESSMENT

    # The lead caseworker declares too, and assigns the two assessors on the case page.
    login(page, base, "lead@imdi.example")
    declare(page, base, pk)
    open_details(page, f"/{pk}/saksbehandlere/")
    assign_form = page.locator(f"form[action$='/{pk}/saksbehandlere/']")
    for name in ("Kari Saksbehandler", "Per Saksbehandler"):
        assign_form.get_by_label(name, exact=True).check()
    page.fill("input[name=as-per_application]", "2")
    submit(page, f"form[action$='/{pk}/saksbehandlere/'] button[type=submit]")
    assert set(application.assignments.values_list("assessor__email", flat=True)) == {
        "caseworker@imdi.example",
        "caseworker2@imdi.example",
    }

    # Each assessor scores independently; the other's score shows only after one's own.
    login(page, base, "caseworker@imdi.example")
    page.goto(f"{base}/vurdering/{pk}/")
    score(page, pk, (5, 5, 4))
    login(page, base, "caseworker2@imdi.example")
    declare(page, base, pk)
    assert page.get_by_test_id("scores-hidden").is_visible()
    score(page, pk, (5, 4, 4))
    assert page.get_by_test_id("other-scores").get_by_text("Kari Saksbehandler").is_visible()
    assert Score.objects.filter(application_id=pk, submitted_at__isnull=False).count() == 2

    # A third caseworker declares a conflict of interest: the case is closed to them on every
    # page and download, and gone from their queue.
    login(page, base, "caseworker3@imdi.example")
    declare(page, base, pk, conflict="Jeg er i familie med prosjektlederen i Drammen.")
    closed = [
        f"/vurdering/{pk}/",
        f"/vurdering/{pk}/forhandsvis/",
        f"/soknader/{pk}/",
        f"/soknader/{pk}/kvittering/",
        f"/soknader/{pk}/habilitet/",
        f"/vurdering/vedtak/{pk}/",
        f"/vurdering/vedtak/{pk}/brev.pdf",
    ]
    for url in closed:
        assert page.request.get(f"{base}{url}").status in (403, 404), url
    page.goto(f"{base}/vurdering/?year={round_.pk}")
    queue = page.get_by_test_id("queue").inner_text()
    assert case not in queue and "Språk og arbeid i Drammen" not in queue
    assert "Trygg hverdag" in queue  # the rest of the round is there
    page.goto(f"{base}/vurdering/?year={round_.pk}&q={case}")
    assert case not in page.get_by_test_id("queue").inner_text()

    # The lead sets the agreed score and looks at the area's ranking against the budget.
    login(page, base, "lead@imdi.example")
    page.goto(f"{base}/vurdering/{pk}/")
    open_details(page, f"/{pk}/omforent/")
    page.select_option("select[name=ag-purpose]", "5")
    page.select_option("select[name=ag-capacity]", "5")
    page.select_option("select[name=ag-transfer]", "4")
    page.fill("textarea[name=ag-comment]", "Enige etter fagmøtet.")
    submit(page, f"form[action$='/{pk}/omforent/'] button[type=submit]")
    assert page.get_by_test_id("agreed").is_visible()
    page.goto(f"{base}/vurdering/omrade/{area_1.pk}/")
    ranking = page.get_by_test_id("ranking")
    assert ranking.get_by_text(case).is_visible()
    assert page.get_by_test_id("cut").count() == 1

    # The other applications of area 1 are refused on their case pages (the lead declared no
    # conflict in them when agreeing their scores), and Drammen's is awarded.
    others = Application.objects.filter(focus_area=area_1, status=Status.IN_ASSESSMENT)
    for other in others.exclude(pk=pk):
        page.goto(f"{base}/vurdering/{other.pk}/")
        open_details(page, f"/{other.pk}/avslag/")
        page.fill("textarea[name=rf-grounds]", "Nådde ikke opp innenfor områdets ramme.")
        submit(page, f"form[action$='/{other.pk}/avslag/'] button[type=submit]")
        assert Application.objects.get(pk=other.pk).status == Status.REFUSED
    page.goto(f"{base}/vurdering/{pk}/")
    page.fill("input[name=aw-amount]", "750 000")
    page.fill("textarea[name=aw-special_conditions]", SPECIAL_CONDITION)
    submit(page, "[data-testid=award-form] button[type=submit]")
    decision = Decision.objects.get(application_id=pk)
    assert decision.kind == "award" and decision.amount == 750000
    assert Application.objects.get(pk=pk).status == Status.AWARDED

    # The allocation of area 1 is made final, and its letters are sent as one batch.
    page.goto(f"{base}/vurdering/omrade/{area_1.pk}/")
    submit(page, f"form[action$='/omrade/{area_1.pk}/endelig/'] button[type=submit]")
    assert AreaAllocation.objects.filter(focus_area=area_1).exists()
    submit(page, f"form[action$='/omrade/{area_1.pk}/send/'] button[type=submit]")
    grant = decision.grant
    letter = GrantLetter.objects.get(grant=grant)

    # The real worker sends and renders the grant letter; it says what the circular asks.
    wait_rendered(letter)
    response = page.request.get(f"{base}/tilskudd/brev/{letter.pk}.pdf")
    assert response.ok
    text = pdf_text(response.body())
    assert case in text
    assert "750 000" in text
    terms = {term.kind: term for term in round_.payment_terms.all()}
    assert set(terms) == {"spring", "autumn"}
    for term in terms.values():
        assert nb_date(term.pay_on) in text
    assert "375 000" in text  # half in each term
    assert SPECIAL_CONDITION in text
    assert nb_date(letter.acceptance_deadline) in text
    # Bokmål wording from locale/nb (the letter is in Drammen's written standard).
    assert "Vårtermin" in text and "Høsttermin" in text
    assert "Vilkår" in text and "egenandel" in text
    assert "Frist for aksept" in text

    # The conflicted caseworker cannot get at the decision or the letter either.
    login(page, base, "caseworker3@imdi.example")
    for url in (
        f"/vurdering/vedtak/{pk}/",
        f"/tilskudd/brev/{letter.pk}.pdf",
        f"/tilskudd/{grant.pk}/",
        f"/vurdering/{pk}/forhandsvis/",
    ):
        assert page.request.get(f"{base}{url}").status in (403, 404), url

    # Drammen's signatory opens the decision and accepts the grant.
    login(page, base, "signatory@drammen.example")
    page.goto(f"{base}/vurdering/vedtak/{pk}/")
    assert page.get_by_test_id("grant-letters").is_visible()
    submit(page, "form[action$='/aksepter/'] button[type=submit]")
    grant.refresh_from_db()
    assert grant.status == "accepted"


def test_a_failed_formal_check_ends_in_a_dismissal_letter(
    live_server, demo_data, celery_worker_on_redis, page
):
    base = live_server.url
    round_ = SchemeYear.objects.get(scheme__code=SchemeCode.DEVELOPMENT, year=today_in_oslo().year)
    application = Application.objects.get(
        scheme_year=round_, organisation__municipality_number="3301", focus_area__number=2
    )
    assert application.status == Status.SUBMITTED
    pk = application.pk

    # The formal check finds too few participants: the application stays for dismissal.
    login(page, base, "caseworker@imdi.example")
    declare(page, base, pk)
    for name in FORMAL_CHECKS:
        if name != "check_participants":
            page.check(f"input[name=fc-{name}]")
    submit(page, f"form[action$='/{pk}/formell-kontroll/'] button[type=submit]")
    assert Application.objects.get(pk=pk).status == Status.SUBMITTED
    open_details(page, f"/{pk}/avvis/")
    assert "ti deltakere" in page.input_value("textarea[name=dm-grounds]")
    page.fill("textarea[name=dm-grounds]", DISMISSAL_GROUNDS)
    submit(page, f"form[action$='/{pk}/avvis/'] button[name=dismiss]")
    assert Application.objects.get(pk=pk).status == Status.DISMISSED

    # The worker sends and renders the letter; the applicant reads it on the decision page.
    letter = DecisionLetter.objects.get(decision__application_id=pk)
    wait_rendered(letter)
    login(page, base, "signatory@drammen.example")
    page.goto(f"{base}/vurdering/vedtak/{pk}/")
    response = page.request.get(f"{base}/vurdering/vedtak/{pk}/brev.pdf")
    assert response.ok
    text = pdf_text(response.body())
    assert application.case_number in text
    assert DISMISSAL_GROUNDS in text
    assert "Rundskriv 08-2025" in text  # the rules applied
    # Bokmål wording from locale/nb: the appeal, the appeals body and access to documents.
    assert "tre uker" in text
    assert "Arbeids- og inkluderingsdepartementet" in text and "klageinstans" in text
    assert "forvaltningsloven §§ 18 og 27" in text
