"""Issue 11 in Chromium on the demo data: the dashboard, the ministry's statistics (and their
CSV and Excel export), the open data (page, CSV and JSON, without logging in), the audit viewer
and the administrator's copied year each show figures that agree with the database.

Every expected figure is computed here from the models with their own filters and aggregates,
never through the selectors the pages use, so a wrong selector fails the test. Amounts are
written as the pages write them: whole kroner with a non-breaking space between thousands."""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import Count, F, Sum
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from applications.assessment.models import Decision, DecisionKind
from applications.development.models import Application, FundingYear
from applications.development.models import Status as ApplicationStatus
from grants.models import (
    Grant,
    GrantStatus,
    Payment,
    PaymentStatus,
    PlannedYear,
    Reaction,
    ReactionKind,
    ReactionStatus,
)
from imdi_grants.audit.models import AuditEntry
from imdi_grants.lib.deadlines import today_in_oslo
from schemes.models import FocusArea, SchemeCode, SchemeYear
from tests.browser.conftest import login
from tests.browser.test_assessment import submit

pytestmark = pytest.mark.browser

NBSP = "\u00a0"
ZERO = Decimal("0")

LEAD = "lead@imdi.example"
CASEWORKER = "caseworker@imdi.example"
ADMINISTRATOR = "admin@imdi.example"

#: The cells of a table's body, row by row (a row's header cell first), as the page has them.
ROWS_JS = """table => Array.from(table.querySelectorAll('tbody tr')).map(
    tr => Array.from(tr.children).map(cell => cell.textContent.trim()))"""
HEADERS_JS = """table => Array.from(table.querySelectorAll('thead th')).map(
    cell => cell.textContent.trim())"""
#: A description list as {term: description}.
DL_JS = """dl => Object.fromEntries(Array.from(dl.querySelectorAll(':scope > dt')).map(
    dt => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()]))"""


def kr(amount: Decimal | int | None) -> str:
    """An amount as the pages show it: '10 150 000 kr', non-breaking spaces."""
    amount = Decimal(amount or 0)
    assert amount == amount.to_integral_value(), amount
    return f"{int(amount):,}".replace(",", NBSP) + f"{NBSP}kr"


def nb(text: str) -> str:
    with translation.override("nb"):
        return gettext(text)


def total(qs, expression) -> Decimal:
    return qs.aggregate(value=Sum(expression))["value"] or ZERO


def rows(locator) -> list[list[str]]:
    return locator.evaluate(ROWS_JS)


def table_by_row(locator) -> dict[str, dict[str, str]]:
    """A table as {row header: {column header: cell}}."""
    headers = locator.evaluate(HEADERS_JS)
    return {cells[0]: dict(zip(headers, cells, strict=True)) for cells in rows(locator)}


def download(page, selector: str):
    with page.expect_download() as started:
        page.click(selector)
    return started.value


def new_page(browser):
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def test_the_oversight_pages_show_the_figures_in_the_database(
    live_server, demo_data, browser, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    year = today_in_oslo().year
    scheme_year = SchemeYear.objects.select_related("scheme").get(
        scheme__code=SchemeCode.DEVELOPMENT, year=year
    )
    pages = []
    try:
        pages.append(staff := new_page(browser))
        login(staff, base, LEAD)
        dashboard_checked(staff, base, scheme_year)
        statistics_checked(staff, scheme_year)
        not_for_caseworkers(staff, base)

        pages.append(public := new_page(browser))
        open_data_checked(public, base, year)

        pages.append(admin := new_page(browser))
        login(admin, base, ADMINISTRATOR)
        audit_checked(admin, base)
        copied_year_checked(admin, base)
    finally:
        for page in pages:
            page.context.close()


def dashboard_checked(page, base: str, scheme_year: SchemeYear) -> None:
    """The lead caseworker opens the oversight from the start page and chooses the development
    grant's current year: money, a focus area's row and every status count agree with the
    database."""
    year = scheme_year.year
    page.click("[data-testid=oversight-link]")
    page.select_option("select[name=scheme]", SchemeCode.DEVELOPMENT)
    page.select_option("select[name=year]", str(year))
    submit(page, "form.portal-filter button[type=submit]")
    assert f"scheme=development&year={year}" in page.url

    # This round's awards whose grant has not lapsed, and grants continuing earlier projects.
    awards = Decision.objects.filter(
        application__scheme_year=scheme_year, kind=DecisionKind.AWARD
    ).exclude(grant__status=GrantStatus.LAPSED)
    later_years = Grant.objects.filter(scheme_year=scheme_year, continues__isnull=False).exclude(
        status=GrantStatus.LAPSED
    )
    awarded = total(awards, "amount") + total(later_years, "amount")
    approved = Payment.objects.filter(grant__scheme_year=scheme_year, status=PaymentStatus.APPROVED)
    paid = total(approved, F("amount") - F("withheld") - F("set_off"))
    withheld = total(Payment.objects.filter(grant__scheme_year=scheme_year), "withheld")
    reclaims = Reaction.objects.filter(
        grant__scheme_year=scheme_year, kind=ReactionKind.RECLAIM, status=ReactionStatus.APPROVED
    )
    reclaimed = total(reclaims, "amount")
    planned = total(
        PlannedYear.objects.filter(
            year=year,
            grant__scheme_year__scheme=scheme_year.scheme,
            grant__scheme_year__year__lt=year,
            continued_as__isnull=True,
        ).exclude(grant__status=GrantStatus.LAPSED),
        "amount",
    )
    assert awarded > 0 and paid > 0 and reclaimed > 0, "the demo round has money to show"

    money = page.get_by_test_id("money").evaluate(DL_JS)
    assert money[nb("Budget frame")] == kr(scheme_year.budget_frame)
    assert money[nb("Awarded")] == kr(awarded)
    assert money[nb("Remaining of the frame")] == kr(scheme_year.budget_frame - awarded - planned)
    assert money[nb("Paid")] == kr(paid)
    assert money[nb("Withheld")] == kr(withheld)
    assert money[nb("Reclaimed")] == kr(reclaimed)

    # The focus area with the most awarded, row by row.
    area = (
        FocusArea.objects.filter(scheme_year=scheme_year)
        .annotate(awarded=Sum("applications__decision__amount"))
        .filter(awarded__gt=0)
        .order_by("-awarded", "number")
        .first()
    )
    assert area is not None
    of_area = {"grant__decision__application__focus_area": area}
    area_awarded = total(awards.filter(application__focus_area=area), "amount")
    with translation.override("nb"):
        label = str(area)
    shown = table_by_row(page.get_by_test_id("areas"))[label]
    assert shown[nb("Budget")] == kr(area.budget_amount)
    assert shown[nb("Awarded")] == kr(area_awarded)
    assert shown[nb("Left of the budget")] == kr(area.budget_amount - area_awarded)
    assert shown[nb("Paid")] == kr(
        total(approved.filter(**of_area), F("amount") - F("withheld") - F("set_off"))
    )
    assert shown[nb("Reclaimed")] == kr(total(reclaims.filter(**of_area), "amount"))

    # Every status of the year's applications and grants, with its count.
    with translation.override("nb"):
        statuses = {str(s.label): s.value for s in ApplicationStatus}
        grant_statuses = {str(s.label): s.value for s in GrantStatus}
    counted = dict(
        Application.objects.filter(scheme_year=scheme_year)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    shown = {label: int(n) for label, n in rows(page.get_by_test_id("case-statuses"))}
    assert shown == {label: counted.get(code, 0) for label, code in statuses.items()}
    assert shown[statuses_label(statuses, ApplicationStatus.AWARDED)] > 0
    counted = dict(
        Grant.objects.filter(scheme_year=scheme_year)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    shown = {label: int(n) for label, n in rows(page.get_by_test_id("grant-statuses"))}
    assert shown == {label: counted.get(code, 0) for label, code in grant_statuses.items()}


def statuses_label(statuses: dict[str, str], code: str) -> str:
    return next(label for label, value in statuses.items() if value == code)


def statistics_checked(page, scheme_year: SchemeYear) -> None:
    """From the dashboard to the ministry's statistics: a focus area's applications, decisions
    and amounts agree with the database, on the page and in the CSV and Excel downloads."""
    query = f"scheme=development&year={scheme_year.year}"
    page.click(f"a[href='/oversikt/statistikk/?{query}']")
    page.wait_for_url(re.compile(r"/oversikt/statistikk/"))

    area = FocusArea.objects.get(scheme_year=scheme_year, number=4)
    submitted = Application.objects.filter(scheme_year=scheme_year, focus_area=area).exclude(
        status=ApplicationStatus.DRAFT
    )
    awarded = submitted.filter(
        status=ApplicationStatus.AWARDED, decision__kind=DecisionKind.AWARD
    ).exclude(decision__grant__status=GrantStatus.LAPSED)
    expected = {
        "applications": submitted.count(),
        "awards": awarded.count(),
        "refusals": submitted.filter(status=ApplicationStatus.REFUSED).count(),
        "dismissals": submitted.filter(status=ApplicationStatus.DISMISSED).count(),
        "applied": total(
            FundingYear.objects.filter(application__in=submitted, year_number=1),
            "amount_applied",
        ),
        "awarded": total(Decision.objects.filter(application__in=awarded), "amount"),
    }
    assert expected["awards"] and expected["refusals"], "area 4 has awards and a refusal"
    labels = {
        "applications": nb("Applications"),
        "awards": nb("Awards"),
        "refusals": nb("Refusals"),
        "dismissals": nb("Dismissals"),
        "applied": nb("Applied for (first year)"),
        "awarded": nb("Awarded"),
    }
    with translation.override("nb"):
        label = str(area)
    shown = table_by_row(page.get_by_test_id("stat-focus_area"))[label]
    for key, value in expected.items():
        text = kr(value) if key in ("applied", "awarded") else str(value)
        assert shown[labels[key]] == text, key

    exported = download(page, f"a[href='/oversikt/statistikk/eksport.csv?{query}']")
    with open(exported.path(), encoding="utf-8-sig") as file:
        lines = list(csv.DictReader(file, delimiter=";"))
    row = next(r for r in lines if r["table"] == "focus_area" and r["group"] == label)
    assert {key: Decimal(row[key]) for key in expected} == expected

    exported = download(page, f"a[href='/oversikt/statistikk/eksport.xlsx?{query}']")
    assert exported.suggested_filename.endswith(".xlsx")
    with open(exported.path(), "rb") as file:
        sheet = openpyxl.load_workbook(file, read_only=True).active
        header, *cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    lines = [dict(zip(header, r, strict=True)) for r in cells]
    row = next(r for r in lines if r["table"] == "focus_area" and r["group"] == label)
    assert {key: Decimal(str(row[key])) for key in expected} == expected


def not_for_caseworkers(page, base: str) -> None:
    """The audit viewer and the yearly configuration are the administrator's: a lead
    caseworker and a caseworker get 404."""
    for email in (LEAD, CASEWORKER):
        login(page, base, email)
        for path in ("/revisjon/", "/ordninger/"):
            response = page.goto(f"{base}{path}")
            assert response.status == 404, (email, path)


def open_data_checked(page, base: str, year: int) -> None:
    """Without logging in: the year's accepted grants are listed with their amounts, refused
    and dismissed applicants and grants not (yet) accepted are not, and the CSV and JSON hold
    exactly the accepted grants."""
    page.goto(f"{base}/apne-data/")
    assert "/accounts/login" not in page.url
    page.select_option("select[name=year]", str(year))
    submit(page, "form.portal-filter button[type=submit]")
    assert f"year={year}" in page.url

    accepted = (
        Grant.objects.filter(scheme_year__year=year, accepted_at__isnull=False)
        .exclude(status=GrantStatus.LAPSED)
        .select_related("organisation")
    )
    recipients = {grant.organisation.name for grant in accepted}
    unpublished = (
        set(
            Application.objects.filter(
                scheme_year__year=year,
                status__in=[ApplicationStatus.REFUSED, ApplicationStatus.DISMISSED],
            ).values_list("organisation__name", flat=True)
        )
        | set(
            Grant.objects.filter(scheme_year__year=year, accepted_at__isnull=True).values_list(
                "organisation__name", flat=True
            )
        )
    ) - recipients
    assert accepted.count() >= 2 and unpublished, "the demo has both kinds"

    shown = rows(page.get_by_test_id("open-data"))
    assert len(shown) == accepted.count()
    listed = {(cells[1], cells[6]) for cells in shown}
    for grant in accepted:
        assert (grant.organisation.name, kr(grant.amount)) in listed
    table = page.get_by_test_id("open-data").text_content()
    for name in unpublished:
        assert name not in table

    exported = download(page, "[data-testid=csv]")
    with open(exported.path(), encoding="utf-8-sig") as file:
        lines = list(csv.DictReader(file, delimiter=";"))
    assert len(lines) == accepted.count()
    assert {(r["case_number"], Decimal(r["amount"])) for r in lines} == {
        (grant.case_number, grant.amount) for grant in accepted
    }
    assert not unpublished & {r["recipient"] for r in lines}

    href = page.get_attribute("[data-testid=json]", "href")
    assert f"year={year}" in href
    data = page.goto(f"{base}{href}").json()
    assert len(data["grants"]) == accepted.count()
    assert {g["recipient"] for g in data["grants"]} == recipients


def audit_checked(page, base: str) -> None:
    """The administrator filters the audit trail by a demo case's number: the page lists
    exactly that case's entries, and the export of the filter has as many rows."""
    case_number, count = (
        AuditEntry.objects.exclude(case_number="")
        .order_by()
        .values("case_number")
        .annotate(n=Count("pk"))
        .filter(n__lte=50)  # one page
        .order_by("-n", "case_number")
        .values_list("case_number", "n")
        .first()
    )
    assert count > 5
    assert AuditEntry.objects.filter(case_number=case_number).count() == count
    page.goto(f"{base}/revisjon/")
    page.fill("input[name=case_number]", case_number)
    submit(page, "form.portal-filter button[type=submit]")
    table = page.get_by_test_id("audit")
    assert table.locator("caption").text_content().strip().startswith(f"{count} ")
    shown = rows(table)
    assert len(shown) == count
    assert {cells[3] for cells in shown} == {case_number}

    exported = download(page, "a[href^='/revisjon/eksport.csv']")
    with open(exported.path(), encoding="utf-8-sig") as file:
        lines = list(csv.DictReader(file, delimiter=";"))
    assert len(lines) == count and {r["case_number"] for r in lines} == {case_number}


def copied_year_checked(page, base: str) -> None:
    """The administrator copies the development grant's latest year to the next from the
    yearly configuration: the copy carries the frame, the deadline a year on and the focus
    areas with their Bokmål and Nynorsk texts; after the frame is changed in the administration
    the review shows that one difference, and the year is published."""
    source = (
        SchemeYear.objects.select_related("scheme")
        .filter(scheme__code=SchemeCode.DEVELOPMENT)
        .order_by("-year")
        .first()
    )
    page.goto(f"{base}/ordninger/")
    page.get_by_test_id("scheme-years").locator("tbody tr").filter(
        has_text=str(source.scheme)
    ).get_by_role("link", name=str(source.year), exact=True).click()
    page.wait_for_url(f"{base}/ordninger/aar/{source.pk}/")
    submit(page, "[data-testid=copy-year]")

    copy = SchemeYear.objects.get(scheme=source.scheme, year=source.year + 1)
    assert page.url == f"{base}/ordninger/aar/{copy.pk}/gjennomgang/"
    assert copy.published_at is None
    assert copy.budget_frame == source.budget_frame
    deadline = source.application_deadline
    assert copy.application_deadline == deadline.replace(year=deadline.year + 1)
    texts = ("number", "name", "name_nn", "description", "description_nn", "budget_amount")
    areas = list(copy.focus_areas.order_by("number").values_list(*texts))
    assert len(areas) == 5 and all(area[2] for area in areas), "names in nb and nn"
    assert all(bool(area[3]) == bool(area[4]) for area in areas), "descriptions in nb and nn"
    assert areas == list(source.focus_areas.order_by("number").values_list(*texts))

    assert page.get_by_test_id("for-review").is_visible()
    assert rows(page.get_by_test_id("differences")) == [
        [nb("Nothing differs: the year is the year before carried forward.")]
    ]

    # The copy's own page shows what the database holds.
    page.click(f"a[href='/ordninger/aar/{copy.pk}/']")
    page.wait_for_url(f"{base}/ordninger/aar/{copy.pk}/")
    fields = SchemeYear._meta
    with translation.override("nb"):
        deadline_label = capfirst(str(fields.get_field("application_deadline").verbose_name))
        frame_label = capfirst(str(fields.get_field("budget_frame").verbose_name))
        name_label = capfirst(str(FocusArea._meta.get_field("name").verbose_name))
        name_nn_label = capfirst(str(FocusArea._meta.get_field("name_nn").verbose_name))
    values = page.locator("main dl.portal-dl").first.evaluate(DL_JS)
    assert values[deadline_label] == f"{copy.application_deadline:%d.%m.%Y}"
    assert values[frame_label] == kr(copy.budget_frame)
    sections = page.locator("section.portal-panel")
    assert sections.count() == 5
    for index, (_number, name, name_nn, *_rest) in enumerate(areas):
        shown = sections.nth(index).locator("dl").evaluate(DL_JS)
        assert (shown[name_label], shown[name_nn_label]) == (name, name_nn)

    # The new circular raises the frame; the administrator changes it in the administration.
    new_frame = source.budget_frame + Decimal("500000")
    page.click(f"a[href='/admin/schemes/schemeyear/{copy.pk}/change/']")
    page.fill("input[name=budget_frame]", str(new_frame))
    submit(page, "input[name=_save]")
    copy.refresh_from_db()
    assert copy.budget_frame == new_frame, page.content()[:3000]

    page.goto(f"{base}/ordninger/aar/{copy.pk}/gjennomgang/")
    with translation.override("nb"):
        changed = str(copy._meta.get_field("budget_frame").verbose_name)
        expected = [nb("The year"), capfirst(changed), nb("Changed")]
    assert rows(page.get_by_test_id("differences")) == [
        [*expected, kr(source.budget_frame), kr(copy.budget_frame)]
    ]
    problems = page.get_by_test_id("problems").locator("li").all_text_contents()
    assert [p.strip() for p in problems] == [nb("Nothing: the year can be published.")]

    page.check("input[name=reviewed]")
    page.fill("textarea[name=note]", "Rundskrivet for neste år, ramme hevet.")
    submit(page, "[data-testid=publish]")
    assert page.url == f"{base}/ordninger/aar/{copy.pk}/"
    copy.refresh_from_db()
    assert copy.published_at is not None
    assert copy.published_by.email == ADMINISTRATOR
    entry = AuditEntry.objects.get(action="imdi.scheme_year.published", object_id=copy.pk)
    assert entry.data["differences"] == ["year.budget_frame"]
    assert page.get_by_test_id("for-review").count() == 0
