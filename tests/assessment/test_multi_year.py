"""Issue 10: a multi-year project's next year continues only after the lead confirms the
appropriation and the previous year's reports, with a grant letter of its own; the year's frame
counts it once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from applications.assessment import services
from applications.assessment.selectors import committed_from_earlier_rounds
from grants.models import GrantStatus
from imdi_grants.lib.workflow import DomainError
from reporting.models import Report
from schemes.models import SchemeYear
from schemes.services import demo_years_configure

from .conftest import award_and_accept, scored

pytestmark = pytest.mark.django_db


def test_the_second_year_is_awarded_with_its_own_letter(
    in_assessment, lead, assessor_a, assessor_b, signatory
):
    application = scored(in_assessment, lead, assessor_a, assessor_b)
    grant = award_and_accept(application, lead, signatory, amount="350000")
    planned = grant.planned_years.get()
    assert (planned.year, planned.amount) == (2026, Decimal("400000"))

    def attempt(**kwargs):
        with pytest.raises(DomainError) as exc:
            services.planned_year_continue(planned=planned, by=lead, **kwargs)
        return str(exc.value)

    assert "2026" in attempt(appropriation_confirmed=False)
    message = attempt(appropriation_confirmed=True)
    assert "rapport" in message.lower() or "report" in message.lower()
    Report.objects.filter(grant=grant).update(status="approved")
    assert "2026" in attempt(appropriation_confirmed=True), "the year is not configured"
    demo_years_configure(today=dt.date(2026, 1, 5))
    year_2026 = SchemeYear.objects.get(scheme__code="development", year=2026)
    assert committed_from_earlier_rounds(scheme_year=year_2026) == Decimal("400000")
    with pytest.raises(DomainError) as exc:
        services.planned_year_continue(planned=planned, by=assessor_a, appropriation_confirmed=True)
    assert exc.value.code == "forbidden"

    grant = services.planned_year_continue(planned=planned, by=lead, appropriation_confirmed=True)
    assert (grant.case_number, grant.amount, grant.scheme_year) == (
        f"{application.case_number}-2026",
        Decimal("400000"),
        year_2026,
    )
    assert grant.status == GrantStatus.LETTER_ISSUED
    assert grant.payments.count() == 2
    assert committed_from_earlier_rounds(scheme_year=year_2026) == Decimal("400000")
    with pytest.raises(DomainError):
        services.planned_year_continue(planned=planned, by=lead, appropriation_confirmed=True)
    letter = grant.letters.get()
    assert letter.details["title"] == application.title


def test_the_lead_awards_the_next_year_from_the_decision_page(
    client, in_assessment, lead, assessor_a, assessor_b, signatory
):
    from django.urls import reverse

    application = scored(in_assessment, lead, assessor_a, assessor_b)
    grant = award_and_accept(application, lead, signatory, amount="350000")
    Report.objects.filter(grant=grant).update(status="approved")
    demo_years_configure(today=dt.date(2026, 1, 5))
    planned = grant.planned_years.get()
    client.force_login(lead)
    page = client.get(reverse("assessment:decision", args=[application.pk])).content.decode()
    assert 'data-testid="later-years"' in page and "appropriation" in page
    url = reverse("assessment:year_continue", args=[application.pk, planned.pk])
    client.post(url, {})
    planned.refresh_from_db()
    assert planned.continued_as is None, "not without confirming the appropriation"
    client.post(url, {"appropriation": "yes"})
    planned.refresh_from_db()
    assert planned.continued_as.amount == Decimal("400000")
    client.force_login(signatory)
    page = client.get(reverse("assessment:decision", args=[application.pk])).content.decode()
    assert planned.continued_as.case_number in page
