"""Issue 10 in a browser, on the demo data's accepted development grant (Drammen's area-5 project),
with a real Celery worker writing the letters: a caseworker proposes the spring payment and a
second caseworker approves it; Drammen submits the status report, the caseworker sends it back
with a comment, Drammen corrects and resubmits it, and it is approved; the autumn term, held
until then, is released and paid; a reclaim is proposed by the caseworker and decided by an
administrator, whose letter Drammen's signatory opens and appeals; IMDi forwards the appeal to
AID with a forwarding letter."""

from __future__ import annotations

import re
import time

import pytest

from applications.appeals.models import Appeal, AppealLetter
from grants.models import Grant, PaymentStatus, ReactionStatus
from imdi_grants.lib.deadlines import today_in_oslo
from reporting.models import ReportStatus
from tests.browser.conftest import login
from tests.browser.test_assessment import pdf_text, submit

pytestmark = [pytest.mark.browser, pytest.mark.worker]

RETURN_COMMENT = "Beskriv hvilke kurs som er holdt, og hvor mange ledere som har deltatt."
RECLAIM_GROUNDS = "Kursene for ledere i hjemmetjenesten ble ikke holdt, slik tilsagnet forutsatte."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def wait_for(check, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError(f"the worker did not {what}")


def propose(page, base, payment, day: str):
    page.goto(f"{base}/tilskudd/utbetalinger/")
    page.check(f"#pay-{payment.pk}")
    page.fill("input[name=payment_date]", day)
    submit(page, "form[data-testid=propose] button[type=submit]")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PROPOSED


def approve(page, base, payment):
    page.goto(f"{base}/tilskudd/utbetalinger/")
    submit(page, f"form[action$='/utbetalinger/{payment.batch_id}/godkjenn/'] button")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED


def test_payments_reports_reclaim_and_appeal_of_an_accepted_grant(
    live_server, demo_data, celery_worker_on_redis, page
):
    base = live_server.url
    grant = Grant.objects.get(
        scheme_year__year=today_in_oslo().year,
        scheme_year__scheme__code="development",
        organisation__municipality_number="3301",
    )
    assert grant.status == "accepted"
    spring, autumn = grant.payments.order_by("due_on")
    report = grant.reports.get(kind="status")

    # Spring: one caseworker proposes the payment list, the other approves it.
    login(page, base, "caseworker@imdi.example")
    page.goto(f"{base}/tilskudd/utbetalinger/")
    assert page.is_disabled(f"#pay-{autumn.pk}"), "autumn waits for the status report"
    propose(page, base, spring, spring.due_on.isoformat())
    page.goto(f"{base}/tilskudd/utbetalinger/")
    assert page.get_by_text("Du foreslo denne listen").is_visible(), "no approving one's own"
    login(page, base, "caseworker2@imdi.example")
    approve(page, base, spring)
    assert spring.net == grant.amount / 2

    # Drammen's project lead finds the status report on the start page and submits it.
    login(page, base, "applicant@drammen.example")
    page.click(f"a[href='/rapporter/{report.pk}/']")
    page.fill("input[name=participants]", "45")
    page.fill("textarea[name=narrative]", "Tre kurs er holdt.")
    page.fill("input[name=income]", "425 000")
    page.fill("input[name=expenses]", "310 500")
    submit(page, "button[name=submit]")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.expenses == 310500

    # The caseworker sends it back with a comment, reached from the grant's decision page.
    login(page, base, "caseworker@imdi.example")
    page.goto(f"{base}/tilskudd/{grant.pk}/")
    page.get_by_test_id("reports").get_by_role("link", name="Statusrapport").click()
    page.wait_for_url(re.compile(rf"/rapporter/{report.pk}/$"))
    page.check("input[name=approve][value=no]")
    page.fill("textarea[name=comment]", RETURN_COMMENT)
    submit(page, "form[action$='/vurder/'] button[type=submit]")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED

    # Drammen reads the comment, corrects the report and submits it again.
    login(page, base, "applicant@drammen.example")
    page.goto(f"{base}/rapporter/{report.pk}/")
    assert page.get_by_text(RETURN_COMMENT).is_visible()
    page.fill(
        "textarea[name=narrative]",
        "Tre kurs er holdt for 38 ledere i helse og omsorg; kursene i hjemmetjenesten er utsatt.",
    )
    submit(page, "button[name=submit]")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and "38 ledere" in report.narrative

    login(page, base, "caseworker@imdi.example")
    page.goto(f"{base}/rapporter/{report.pk}/")
    page.check("input[name=approve][value=yes]")
    submit(page, "form[action$='/vurder/'] button[type=submit]")
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED

    # The autumn term is released now: proposed by one, approved by another.
    propose(page, base, autumn, autumn.due_on.isoformat())
    login(page, base, "caseworker2@imdi.example")
    approve(page, base, autumn)

    # A reclaim: the caseworker proposes it on the grant's money page, an administrator decides.
    login(page, base, "caseworker@imdi.example")
    page.goto(f"{base}/tilskudd/{grant.pk}/okonomi/")
    page.check("input[name=re-kind][value=reclaim]")
    page.fill("input[name=re-amount]", "120 000")
    page.fill("textarea[name=re-grounds]", RECLAIM_GROUNDS)
    submit(page, "form[data-testid=reaction-form] button[type=submit]")
    reaction = grant.reactions.get()
    assert reaction.status == ReactionStatus.PROPOSED and reaction.amount == 120000
    login(page, base, "admin@imdi.example")
    page.goto(f"{base}/tilskudd/{grant.pk}/okonomi/")
    # The administrator has not opened this case before: impartiality first, then back here.
    page.wait_for_url(re.compile(r"/soknader/\d+/habilitet/"))
    page.check("input[name=has_conflict][value=no]")
    submit(page, "form.portal-form button[type=submit]")
    page.wait_for_url(f"{base}/tilskudd/{grant.pk}/okonomi/")
    submit(page, "button[name=decision][value=approve]")
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.APPROVED
    wait_for(lambda: reaction.refresh_from_db() or reaction.rendered_at, "write the reclaim letter")

    # Drammen's signatory opens the reclaim letter and appeals the decision from the money page.
    login(page, base, "signatory@drammen.example")
    page.goto(f"{base}/tilskudd/{grant.pk}/okonomi/")
    assert page.get_by_test_id("ledger").get_by_text("120 000").first.is_visible()
    with page.expect_download() as download:
        page.click(f"a[href='/tilskudd/reaksjon/{reaction.pk}.pdf']")
    with open(download.value.path(), "rb") as pdf:
        letter = pdf_text(pdf.read())
    assert "120 000" in letter and RECLAIM_GROUNDS in letter and "tre uker" in letter
    page.click(f"a[href='/klager/ny/?reaksjon={reaction.pk}']")
    assert page.get_by_test_id("deadline").is_visible()
    page.fill("textarea[name=text]", "Kursene i hjemmetjenesten er utsatt til våren, ikke droppet.")
    submit(page, "form.portal-form button[type=submit]")
    appeal = Appeal.objects.get(reaction=reaction)
    assert appeal.status == "lodged" and not appeal.is_late
    assert appeal.received_on == today_in_oslo(), "opened in the portal today"

    # IMDi keeps its decision and forwards the appeal to AID.
    login(page, base, "caseworker@imdi.example")
    page.goto(f"{base}/klager/{appeal.pk}/")
    page.fill("textarea[name=preparation]", "Kursene var en forutsetning for tilsagnet.")
    page.fill("input[name=forwarded_on]", today_in_oslo().isoformat())
    submit(page, f"form[action$='/klager/{appeal.pk}/oversend/'] button[type=submit]")
    appeal.refresh_from_db()
    assert appeal.status == "forwarded"
    forwarding = AppealLetter.objects.get(appeal=appeal, kind="forwarding")
    wait_for(lambda: forwarding.refresh_from_db() or forwarding.rendered_at, "write the letter")

    # Drammen sees the forwarding letter on the appeal's page.
    login(page, base, "signatory@drammen.example")
    page.goto(f"{base}/klager/{appeal.pk}/")
    assert page.get_by_test_id("appeal-status").inner_text() == "Oversendt departementet (AID)"
    with page.expect_download() as download:
        page.get_by_test_id("appeal-letters").get_by_role("link").click()
    with open(download.value.path(), "rb") as pdf:
        letter = pdf_text(pdf.read())
    assert "Arbeids- og inkluderingsdepartementet" in letter
    assert "Kursene var en forutsetning for tilsagnet." in letter
