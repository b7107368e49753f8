"""Issue 9 through the pages: impartiality first, a declared conflict refused on every page and
download, scores hidden until one's own is in, the queue's filters and export, the ranking."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.assessment import services
from applications.assessment.models import Score
from applications.development.models import Application, ImpartialityDeclaration, Status
from grants import services as grant_services
from grants.models import GrantLetter

from .conftest import GOOD, declare, scored, submitted_application

pytestmark = pytest.mark.django_db


def test_staff_declare_impartiality_before_they_see_the_case(client, submitted, caseworker):
    client.force_login(caseworker)
    url = reverse("assessment:case", args=[submitted.pk])
    response = client.get(url)
    declare_url = reverse("development:impartiality", args=[submitted.pk])
    assert response.status_code == 302 and response.url.startswith(declare_url)
    detail = client.get(reverse("development:detail", args=[submitted.pk]))
    assert detail.status_code == 302 and detail.url.startswith(declare_url)
    page = client.get(response.url).content.decode()
    assert submitted.organisation.name in page and "Tekst for summary" not in page
    response = client.post(declare_url, {"has_conflict": "yes", "explanation": "", "next": url})
    assert response.status_code == 400, "a conflict needs its explanation"
    assert not ImpartialityDeclaration.objects.exists()
    response = client.post(declare_url, {"has_conflict": "no", "next": url})
    assert response.status_code == 302 and response.url == url
    assert (
        "Tekst for summary"
        in client.get(reverse("development:detail", args=[submitted.pk])).content.decode()
    )
    assert client.get(url).status_code == 200


def test_a_declared_conflict_is_refused_on_every_page_and_download(
    client, in_assessment, lead, assessor_a, assessor_b, caseworker, signatory
):
    application = scored(in_assessment, lead, assessor_a, assessor_b)
    decision = services.application_award(application=application, by=lead, amount=Decimal(1000))
    services.allocation_finalise(focus_area=application.focus_area, by=lead)
    services.decisions_send(focus_area=application.focus_area, by=lead)
    letter = GrantLetter.objects.get(grant=decision.grant)
    grant_services.grant_letter_send(letter_id=letter.pk, on=dt.date(2025, 4, 1))
    grant_services.grant_letter_render(letter_id=letter.pk)

    client.force_login(caseworker)
    declare_url = reverse("development:impartiality", args=[application.pk])
    response = client.post(
        declare_url, {"has_conflict": "yes", "explanation": "Min bror er prosjektleder."}
    )
    assert response.status_code == 302
    pk = application.pk
    refused = [
        reverse("assessment:case", args=[pk]),
        reverse("development:detail", args=[pk]),
        reverse("development:receipt", args=[pk]),
        reverse("assessment:decision", args=[pk]),
        reverse("assessment:letter_preview", args=[pk]),
        reverse("grants:letter_pdf", args=[letter.pk]),
        reverse("grants:grant_detail", args=[decision.grant.pk]),
        declare_url,
    ]
    for url in refused:
        assert client.get(url).status_code in (403, 404), url
    posts = [
        (reverse("assessment:score", args=[pk]), {"sc-purpose": "6", "save": "1"}),
        (reverse("assessment:comment", args=[pk]), {"cm-text": "Hei"}),
        (reverse("assessment:formal_check", args=[pk]), {"fc-version": "0"}),
        (reverse("assessment:refuse", args=[pk]), {"rf-grounds": "x"}),
        (declare_url, {"has_conflict": "no"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404), url
    assert not application.staff_comments.exists()
    assert not Score.objects.filter(assessor=caseworker).exists()
    queue = client.get(reverse("assessment:queue")).content.decode()
    assert application.case_number not in queue
    export = client.get(reverse("assessment:queue_export", args=["csv"])).content.decode()
    assert application.case_number not in export
    # The others still see the case.
    client.force_login(assessor_a)
    assert client.get(reverse("assessment:case", args=[pk])).status_code == 200
    client.force_login(signatory)
    assert client.get(reverse("grants:letter_pdf", args=[letter.pk])).status_code == 200


def test_the_administrator_sees_every_declaration(client, submitted, caseworker, administrator):
    declare(submitted, caseworker, conflict=True)
    client.force_login(caseworker)
    assert client.get(reverse("assessment:declarations")).status_code == 404
    client.force_login(administrator)
    page = client.get(reverse("assessment:declarations"), {"conflict": "yes"}).content.decode()
    assert caseworker.full_name in page and "Søsteren min leder prosjektet." in page


def test_an_assessor_sees_the_others_scores_only_after_submitting_their_own(
    client, in_assessment, assessor_a, assessor_b
):
    secret = "Svak forankring i ledelsen, etter min vurdering."
    services.score_save(
        application=in_assessment,
        by=assessor_b,
        values={**GOOD, "capacity_note": secret},
        submit=True,
    )
    url = reverse("assessment:case", args=[in_assessment.pk])
    client.force_login(assessor_a)
    page = client.get(url).content.decode()
    assert secret not in page and 'data-testid="scores-hidden"' in page
    queue = client.get(reverse("assessment:queue")).content.decode()
    assert "13.00" not in queue and "13,00" not in queue
    response = client.post(
        reverse("assessment:score", args=[in_assessment.pk]),
        {"sc-purpose": "4", "sc-purpose_note": "God.", "sc-version": "0", "submit": "1"},
    )
    assert response.status_code == 400, "an incomplete score is not submitted"
    assert 'value="God."' in response.content.decode() or "God." in response.content.decode()
    data = {f"sc-{key}": value for key, value in GOOD.items()}
    response = client.post(
        reverse("assessment:score", args=[in_assessment.pk]),
        {**data, "sc-version": "0", "sc-prio_university": "on", "submit": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(url).content.decode()
    assert secret in page
    assert Score.objects.get(assessor=assessor_a).prio_university


def test_the_lead_sets_the_agreed_score_and_awards_through_the_page(
    client, in_assessment, lead, assessor_a, assessor_b
):
    for assessor in (assessor_a, assessor_b):
        services.score_save(application=in_assessment, by=assessor, values=GOOD, submit=True)
    client.force_login(lead)
    url = reverse("assessment:case", args=[in_assessment.pk])
    version = services.assessment_of(application=in_assessment).version
    response = client.post(
        reverse("assessment:agree", args=[in_assessment.pk]),
        {"ag-version": version, "ag-purpose": 5, "ag-capacity": 5, "ag-transfer": 4},
    )
    assert response.status_code == 400 and "ag-comment" in response.content.decode()
    response = client.post(
        reverse("assessment:agree", args=[in_assessment.pk]),
        {
            "ag-version": version,
            "ag-purpose": 5,
            "ag-capacity": 5,
            "ag-transfer": 4,
            "ag-comment": "Enige.",
        },
    )
    assert response.status_code == 302
    stale = client.post(
        reverse("assessment:propose", args=[in_assessment.pk]),
        {"pa-version": version, "pa-amount": "300 000"},
    )
    assert stale.status_code == 409, "the page was older than the agreed score"
    response = client.post(
        reverse("assessment:award", args=[in_assessment.pk]),
        {"aw-amount": "400 001", "aw-special_conditions": "", "aw-planned_2026": "400 000"},
    )
    assert response.status_code == 400 and "400 001" in response.content.decode()
    response = client.post(
        reverse("assessment:award", args=[in_assessment.pk]),
        {"aw-amount": "350 000", "aw-special_conditions": "Rapport", "aw-planned_2026": "300 000"},
    )
    assert response.status_code == 302
    application = Application.objects.get(pk=in_assessment.pk)
    assert application.status == Status.AWARDED
    assert application.decision.grant.planned_years.get().amount == Decimal("300000")
    assert "350" in client.get(url).content.decode()
    preview = client.get(reverse("assessment:letter_preview", args=[in_assessment.pk]))
    assert preview["Content-Type"] == "application/pdf" and preview.content.startswith(b"%PDF")


def test_the_dismissal_letter_is_previewed_before_it_is_sent(client, submitted, caseworker):
    declare(submitted, caseworker)
    client.force_login(caseworker)
    url = reverse("assessment:dismiss", args=[submitted.pk])
    data = {"dm-grounds": "For få deltakere.", "dm-rules_applied": "Rundskriv 08-2025"}
    preview = client.post(url, {**data, "preview": "1"})
    assert preview.content.startswith(b"%PDF")
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert client.post(url, {**data, "dismiss": "1"}).status_code == 302
    assert Application.objects.get(pk=submitted.pk).status == Status.DISMISSED


def test_the_queue_filters_in_the_url_and_exports_what_it_shows(
    client, round_2025, municipality, applicant, signatory, lead, assessor_a
):
    first = submitted_application(municipality, applicant, signatory, 1, title="Norsk på jobb")
    second = submitted_application(municipality, applicant, signatory, 2, title="Trygg start")
    services.assessors_assign(
        applications=[first], assessors=[assessor_a], by=lead, per_application=1
    )
    client.force_login(assessor_a)
    queue = reverse("assessment:queue")
    page = client.get(queue, {"mine": "on"}).content.decode()
    assert first.case_number in page and second.case_number not in page
    area_two = second.focus_area
    page = client.get(queue, {"area": area_two.pk, "year": round_2025.pk}).content.decode()
    assert second.case_number in page and first.case_number not in page
    page = client.get(queue, {"q": "Trygg"}).content.decode()
    assert second.case_number in page and first.case_number not in page
    response = client.get(reverse("assessment:queue_export", args=["csv"]), {"q": "Trygg"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode()), delimiter=";"))
    assert [row["saksnummer"] for row in rows] == [second.case_number]
    xlsx = client.get(reverse("assessment:queue_export", args=["xlsx"]))
    assert xlsx.content[:2] == b"PK"


def test_the_queue_of_5000_applications_takes_as_many_queries_as_50(
    client, round_2025, municipality, lead, assessor_a, assessor_b
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.volume import applications_bulk_create

    assessors = [assessor_a, assessor_b]
    client.force_login(lead)
    url = reverse("assessment:queue")

    def queries(params: dict) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.status_code == 200
        return len(captured.captured_queries), response.content.decode()

    applications_bulk_create(
        scheme_year=round_2025, organisation=municipality, count=50, assessors=assessors
    )
    client.get(url)
    at_50 = {name: queries(params)[0] for name, params in QUEUE_VIEWS.items()}
    applications_bulk_create(
        scheme_year=round_2025, organisation=municipality, count=4950, assessors=assessors
    )
    for name, params in QUEUE_VIEWS.items():
        count, _page = queries(params)
        assert count == at_50[name], name
    assert "5000" in queries({})[1].replace("\xa0", "").replace(" ", "")
    assert max(at_50.values()) <= 16


QUEUE_VIEWS = {
    "first page": {},
    "by score": {"order": "-score"},
    "page 2, mine, flagged": {"page": 2, "mine": "on", "flagged": "on"},
    "searched": {"q": "Volum", "order": "applied"},
}


def test_the_ranking_shows_the_cut_line_against_the_area_budget(
    client, round_2025, municipality, applicant, signatory, lead, assessor_a
):
    from schemes.models import FocusArea

    applications = [
        submitted_application(municipality, applicant, signatory, 1, title=f"P{n}")
        for n in range(3)
    ]
    FocusArea.objects.filter(pk=applications[0].focus_area_id).update(budget_amount=700000)
    for n, application in enumerate(applications):
        declare(application, lead, assessor_a)
        services.formal_check_record(
            application=application,
            by=assessor_a,
            checks=dict.fromkeys(
                [
                    "check_organisation_type",
                    "check_deadline_met",
                    "check_participants",
                    "check_own_contribution",
                    "check_approved_by_authority",
                ],
                True,
            ),
        )
        services.assessors_assign(
            applications=[application], assessors=[assessor_a], by=lead, per_application=1
        )
        services.score_save(
            application=application,
            by=assessor_a,
            values={**GOOD, "purpose": 6 - n},
            submit=True,
        )
        services.proposed_amount_set(application=application, by=lead, amount=Decimal(300000))
    client.force_login(lead)
    page = client.get(reverse("assessment:ranking", args=[applications[0].focus_area_id]))
    text = page.content.decode()
    assert page.status_code == 200
    rows = page.context["ranking"].rows
    assert [r.application.pk for r in rows] == [a.pk for a in applications]
    assert [r.above_cut for r in rows] == [True, True, False]
    assert text.count('data-testid="cut"') == 1
    client.force_login(assessor_a)
    assert (
        client.get(reverse("assessment:ranking", args=[applications[0].focus_area_id])).status_code
        == 403
    )


def test_the_start_page_lists_what_an_assessor_has_left_to_score(client, in_assessment, assessor_a):
    client.force_login(assessor_a)
    assert in_assessment.case_number in client.get("/").content.decode()
    services.score_save(application=in_assessment, by=assessor_a, values=GOOD, submit=True)
    assert in_assessment.case_number not in client.get("/").content.decode()


def test_the_applicant_learns_the_decision_from_its_letter_not_before(
    client, in_assessment, lead, assessor_a, assessor_b, signatory
):
    application = scored(in_assessment, lead, assessor_a, assessor_b)
    services.application_award(application=application, by=lead, amount=Decimal(200000))
    client.force_login(signatory)
    decision_url = reverse("assessment:decision", args=[application.pk])
    assert client.get(decision_url).status_code == 404
    listed = client.get(reverse("development:list")).content.decode()
    assert "Til vurdering" in listed and "Tilsagn gitt" not in listed
    services.allocation_finalise(focus_area=application.focus_area, by=lead)
    services.decisions_send(focus_area=application.focus_area, by=lead)
    assert client.get(decision_url).status_code == 200
    assert "Tilsagn gitt" in client.get(reverse("development:list")).content.decode()


def test_the_municipal_start_page_lists_the_deadlines_across_schemes(
    client, submitted, assessor_a, signatory, accepted_grant
):
    """Issue 10: the acceptance, report, reclaim and appeal deadlines on the start page."""
    import datetime as dt

    from applications.assessment.models import DecisionLetter

    declare(submitted, assessor_a)
    decision = services.application_dismiss(
        application=submitted, by=assessor_a, grounds="For få.", rules_applied="Vilkår"
    )
    services.decision_letter_send(letter_id=decision.letter.pk, on=dt.date(2026, 11, 2))
    DecisionLetter.objects.filter(pk=decision.letter.pk).update(opened_on=dt.date(2026, 11, 3))
    client.force_login(signatory)
    page = client.get("/").content.decode()
    assert 'data-testid="deadlines"' in page
    assert "24. november 2026" in page, "three weeks from 3 November"
    assert accepted_grant.case_number in page


def test_an_appeal_period_that_has_run_out_is_no_deadline(client, submitted, assessor_a, signatory):
    """A dismissal whose three weeks ended long ago is not something to do by a date (a busy
    municipality's start page listed every dismissal it ever had)."""
    import datetime as dt

    from applications.assessment.models import DecisionLetter

    declare(submitted, assessor_a)
    decision = services.application_dismiss(
        application=submitted, by=assessor_a, grounds="For få.", rules_applied="Vilkår"
    )
    services.decision_letter_send(letter_id=decision.letter.pk, on=dt.date(2026, 1, 5))
    DecisionLetter.objects.filter(pk=decision.letter.pk).update(opened_on=dt.date(2026, 1, 6))
    client.force_login(signatory)
    page = client.get("/").content.decode()
    assert (
        submitted.case_number
        not in page.split('data-testid="deadlines"', 1)[-1].split("</ul>", 1)[0]
    )


def test_the_ranking_of_a_busy_area_is_paged_with_ranks_running_on(
    client, round_2025, municipality, lead, assessor_a, assessor_b
):
    """A busy area's ranking (about 8,000 applications at 100k) drew every row on one page."""
    from bench.volume import applications_bulk_create

    areas = list(round_2025.focus_areas.filter(is_open=True).order_by("number"))
    applications_bulk_create(
        scheme_year=round_2025,
        organisation=municipality,
        count=55 * len(areas),
        assessors=[assessor_a, assessor_b],
    )
    client.force_login(lead)
    url = reverse("assessment:ranking", args=[areas[0].pk])
    first = client.get(url).content.decode()
    assert first.count(f"V{round_2025.year}/") == 50
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count(f"V{round_2025.year}/") == 5
    assert "<td>51</td>" in second and "<td>55</td>" in second
