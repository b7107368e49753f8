"""axe-core over every page of the main flows, as each role, in Bokmål, Nynorsk and English: no
serious or critical violation (WCAG 2.1 AA, as the Norwegian universal-design regulation asks).

One browser for the whole run; one context per role, logged in once, with the language switched
by the cookie the portal's middleware reads."""

from __future__ import annotations

import pytest
from django.conf import settings

from applications.development.steps import STEPS
from tests.browser.conftest import login

from .axe import axe_run, axe_source, failing
from .cases import Cases, cases_build

pytestmark = pytest.mark.browser

LANGUAGES = ("nb", "nn", "en")


@pytest.fixture
def cases(demo_data, settings, tmp_path) -> Cases:
    settings.MEDIA_ROOT = tmp_path / "media"
    return cases_build()


def municipal_pages(c: Cases) -> list[str]:
    return [
        "/",
        "/soknader/",
        "/soknader/ny/",
        f"/soknader/{c.draft}/",
        *(f"/soknader/{c.draft}/steg/{step.slug}/" for step in STEPS),
        f"/soknader/{c.draft}/send-inn/",
        f"/soknader/{c.submitted}/",
        "/integreringsmottak/",
        f"/integreringsmottak/{c.grant_offer}/",
        f"/integreringsmottak/{c.open_offer}/",
        f"/integreringsmottak/{c.open_offer}/akseptbrev/",
        f"/integreringsmottak/{c.grant_offer}/akseptbrev/",
        f"/rapporter/{c.open_report}/",
        f"/rapporter/{c.report}/",
        f"/tilskudd/{c.grant}/okonomi/",
        "/klager/",
        f"/organisasjoner/{c.organisation.pk}/",
        "/accounts/2fa/",
    ]


def staff_pages(c: Cases) -> list[str]:
    return [
        "/",
        "/soknader/",
        f"/soknader/{c.submitted}/",
        "/integreringsmottak/",
        f"/integreringsmottak/{c.grant_offer}/",
        f"/integreringsmottak/{c.open_offer}/",
        "/integreringsmottak/avtaler/",
        f"/integreringsmottak/avtaler/{c.agreement}/",
        "/integreringsmottak/tilbud/",
        f"/tilskudd/{c.grant}/okonomi/",
        "/tilskudd/utbetalinger/",
        f"/rapporter/{c.report}/",
        f"/rapporter/{c.open_report}/",
        "/organisasjoner/",
        "/organisasjoner/?q=dram",
        f"/organisasjoner/{c.organisation.pk}/",
        f"/organisasjoner/{c.organisation.pk}/inviter/",
        *assessment_pages("caseworker@imdi.example"),
        "/klager/",
        *(f"/klager/{pk}/" for pk in _appeals()),
    ]


def admin_pages(c: Cases) -> list[str]:
    from schemes.models import SchemeYear

    year = SchemeYear.objects.order_by("year").first()
    return [
        "/",
        "/admin/",
        "/admin/schemes/schemeyear/",
        f"/admin/schemes/schemeyear/{year.pk}/change/",
        "/admin/schemes/schemeyear/import/",
        "/admin/schemes/schemeyear/export/",
        "/admin/accounts/organisation/",
        f"/admin/accounts/organisation/{c.organisation.pk}/change/",
        "/admin/accounts/organisation/import/",
        "/admin/accounts/organisation/export/",
        "/admin/accounts/user/",
        "/admin/audit/auditentry/",
        "/admin/schemes/basicamount/",
        "/ordninger/",
        f"/ordninger/aar/{year.pk}/",
        f"/ordninger/aar/{year.pk}/gjennomgang/",
        f"/ordninger/aar/{SchemeYear.objects.order_by('year').last().pk}/gjennomgang/",
        "/organisasjoner/",
        f"/organisasjoner/{c.organisation.pk}/endre/",
        f"/organisasjoner/{c.organisation.pk}/inviter/",
        "/soknader/",
        "/vurdering/habilitet/",
    ]


def _cleared(email: str, **filters) -> int:
    """A demo-round application the staff member has declared no conflict in."""
    from applications.development.models import Application

    return (
        Application.objects.filter(
            impartiality_declarations__user__email=email,
            impartiality_declarations__has_conflict=False,
            **filters,
        )
        .values_list("pk", flat=True)
        .first()
    )


def assessment_pages(email: str) -> list[str]:
    from applications.development.models import Application
    from schemes.models import FocusArea

    undeclared = (
        Application.objects.filter(status="submitted")
        .exclude(impartiality_declarations__user__email=email)
        .values_list("pk", flat=True)
        .first()
    )
    area = FocusArea.objects.filter(applications__status="in_assessment").first()
    return [
        "/vurdering/",
        f"/vurdering/?year={area.scheme_year_id}&flagged=on&order=-score",
        f"/vurdering/{_cleared(email, status='in_assessment')}/",
        f"/soknader/{undeclared}/habilitet/",
        f"/vurdering/ramme/{area.scheme_year_id}/",
    ]


def _appeals() -> list[int]:
    from applications.appeals.models import Appeal

    return list(Appeal.objects.values_list("pk", flat=True)[:1])


def lead_pages(c: Cases) -> list[str]:
    from schemes.models import FocusArea

    email = "lead@imdi.example"
    ranked = FocusArea.objects.filter(applications__status="in_assessment").first()
    decided = FocusArea.objects.filter(applications__status="awarded").first()
    return [
        "/",
        *assessment_pages(email),
        f"/vurdering/omrade/{ranked.pk}/",
        f"/vurdering/omrade/{decided.pk}/",
        f"/vurdering/vedtak/{_cleared(email, status='awarded')}/",
        f"/vurdering/{_cleared(email, status='awarded')}/",
    ]


def signatory_pages(c: Cases) -> list[str]:
    return [*municipal_pages(c), f"/organisasjoner/{c.organisation.pk}/endre/"]


ROLES = {
    "applicant": ("applicant@drammen.example", municipal_pages),
    "signatory": ("signatory@drammen.example", signatory_pages),
    "caseworker": ("caseworker@imdi.example", staff_pages),
    "lead": ("lead@imdi.example", lead_pages),
    "administrator": ("admin@imdi.example", admin_pages),
}


def language_set(page, base: str, code: str) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": base}])


def check_pages(page, base: str, paths: list[str], who: str) -> list:
    found = []
    for code in LANGUAGES:
        language_set(page, base, code)
        for path in paths:
            response = page.goto(f"{base}{path}")
            assert response.ok, f"{who} {code} {path}: HTTP {response.status}"
            assert page.locator("html").get_attribute("lang") == code, path
            found += axe_run(page, f"{who} {code} {path}")
    return found


@pytest.fixture
def axe_page(browser):
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
    context.add_init_script(script=axe_source())
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.mark.parametrize("role", list(ROLES))
def test_no_serious_axe_violation(role, live_server, cases, axe_page):
    base = live_server.url
    email, pages = ROLES[role]
    login(axe_page, base, email)
    found = check_pages(axe_page, base, pages(cases), role)
    report = "\n".join(str(v) for v in found)
    print(report)
    bad = failing(found)
    assert not bad, "\n" + "\n".join(str(v) for v in bad)


def test_no_serious_axe_violation_logged_out(live_server, demo_data, axe_page):
    base = live_server.url
    found = []
    for code in LANGUAGES:
        language_set(axe_page, base, code)
        for path in ("/accounts/login/", "/accounts/password/reset/"):
            axe_page.goto(f"{base}{path}")
            found += axe_run(axe_page, f"anonymous {code} {path}")
        response = axe_page.goto(f"{base}/finnes-ikke/")
        assert response.status == 404
        found += axe_run(axe_page, f"anonymous {code} 404")
    print("\n".join(str(v) for v in found))
    bad = failing(found)
    assert not bad, "\n" + "\n".join(str(v) for v in bad)
