"""The demo data's development round in assessment (``load_demo``): every status of the
assessment is there, the budgets fit the frame, the lead caseworker's screens open, and loading
again changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from stdnum.no import kontonr

from applications.appeals.models import Appeal
from applications.assessment.models import (
    AreaAllocation,
    Assessment,
    Assignment,
    Comment,
    Decision,
    DecisionLetter,
    Score,
)
from applications.development.models import Application, ImpartialityDeclaration, Status
from applications.development.rules import application_problems
from grants.models import (
    Grant,
    GrantLetter,
    GrantStatus,
    Payment,
    PaymentStatus,
    Reaction,
    ReactionStatus,
)
from grants.services import payments_held_back, reclaim_outstanding
from imdi_grants.accounts.models import Membership, Organisation, User
from imdi_grants.accounts.services import organisations_load
from imdi_grants.audit.models import AuditEntry
from imdi_grants.demo.assessment import demo_round_load
from imdi_grants.lib.deadlines import today_in_oslo
from reporting.models import Report, ReportStatus
from schemes.models import FocusArea, SchemeCode, SchemeYear

pytestmark = pytest.mark.django_db

COUNTED = (
    User,
    Membership,
    SchemeYear,
    Application,
    ImpartialityDeclaration,
    Assessment,
    Assignment,
    Score,
    Comment,
    Decision,
    DecisionLetter,
    Grant,
    GrantLetter,
    AreaAllocation,
    AuditEntry,
    Appeal,
    Payment,
    Reaction,
    Report,
)


@pytest.fixture
def demo(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    organisations_load()
    call_command("seed_schemes", verbosity=0)
    call_command("load_demo", verbosity=0)


@pytest.fixture
def demo_round(demo) -> SchemeYear:
    return SchemeYear.objects.get(scheme__code=SchemeCode.DEVELOPMENT, year=today_in_oslo().year)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_loading_the_demo_twice_changes_nothing(demo):
    before = counts()
    call_command("load_demo", verbosity=0)
    assert counts() == before


def test_the_round_has_an_application_in_every_status(demo_round):
    applications = Application.objects.filter(scheme_year=demo_round)
    by_status = {s: applications.filter(status=s).count() for s in Status.values}
    assert by_status[Status.DRAFT] == 0
    for status in (
        Status.SUBMITTED,
        Status.IN_ASSESSMENT,
        Status.AWARDED,
        Status.REFUSED,
        Status.DISMISSED,
    ):
        assert by_status[status] >= 1, status
    assert applications.count() >= 12
    # From several real municipalities and county municipalities, each submitted in time.
    assert applications.values("organisation").distinct().count() >= 10
    for application in applications:
        assert application.case_number
        assert application.submitted_at.date() <= demo_round.application_deadline
        assert application_problems(application=application) == []


def test_drammens_applications_are_left_for_a_person_to_assess(demo_round):
    left = Application.objects.filter(
        scheme_year=demo_round, organisation__municipality_number="3301", status=Status.SUBMITTED
    )
    assert {(a.focus_area.number, a.status) for a in left} == {
        (1, Status.SUBMITTED),
        (2, Status.SUBMITTED),
    }
    assert left.get(focus_area__number=1).title == "Språk og arbeid i Drammen"
    assert not ImpartialityDeclaration.objects.filter(application__in=left).exists()
    assert not Assessment.objects.filter(application__in=left, checked_at__isnull=False).exists()
    drammen = Organisation.objects.get(municipality_number="3301")
    assert Membership.objects.filter(
        organisation=drammen, user__email="signatory@drammen.example", role="signatory"
    ).exists()


def test_scores_agreed_scores_and_a_flagged_spread(demo_round):
    assessments = Assessment.objects.filter(application__scheme_year=demo_round)
    assert assessments.filter(is_flagged=True).exists()
    assert assessments.filter(agreed_total__isnull=False).count() >= 3
    assert assessments.filter(proposed_amount__isnull=False).count() >= 3
    assert Score.objects.filter(submitted_at__isnull=True).exists()  # an assessor's draft
    assert ImpartialityDeclaration.objects.filter(has_conflict=True).exists()


def test_area_budgets_fit_the_frame_and_area_1_shows_a_cut_line(demo_round):
    areas = FocusArea.objects.filter(scheme_year=demo_round)
    budgets = sum((a.budget_amount or Decimal(0) for a in areas), Decimal(0))
    assert demo_round.budget_frame is not None
    assert 0 < budgets <= demo_round.budget_frame
    assert not areas.get(number=3).budget_amount  # closed: another circular
    for number in (1, 2):
        area = areas.get(number=number)
        proposed = Assessment.objects.filter(
            application__focus_area=area, application__status=Status.IN_ASSESSMENT
        ).values_list("proposed_amount", flat=True)
        assert sum(p or 0 for p in proposed) > area.budget_amount  # the cut line shows


def test_area_4_is_decided_final_and_its_letters_are_made(demo_round):
    area_4 = FocusArea.objects.get(scheme_year=demo_round, number=4)
    assert AreaAllocation.objects.filter(focus_area=area_4).exists()
    decisions = Decision.objects.filter(application__focus_area=area_4)
    assert decisions.filter(kind="award").count() == 2
    assert decisions.filter(kind="refusal").count() == 1
    for decision in decisions.filter(kind="award"):
        assert decision.grant.letters.count() == 1
        assert kontonr.is_valid(decision.grant.bank_account_number)
    assert DecisionLetter.objects.filter(decision__kind="refusal").exists()
    dismissal = Decision.objects.get(kind="dismissal", application__scheme_year=demo_round)
    assert dismissal.application.organisation.municipality_number == "4601"
    assert dismissal.grounds and dismissal.letter


def test_the_lead_sees_every_screen(client, demo_round):
    client.force_login(User.objects.get(email="lead@imdi.example"))
    area = {a.number: a for a in FocusArea.objects.filter(scheme_year=demo_round)}
    urls = [
        reverse("assessment:queue"),
        f"{reverse('assessment:queue')}?year={demo_round.pk}",
        reverse("assessment:ranking", args=[area[1].pk]),
        reverse("assessment:ranking", args=[area[2].pk]),
        reverse("assessment:ranking", args=[area[4].pk]),
        reverse("assessment:frame", args=[demo_round.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    ranking = client.get(reverse("assessment:ranking", args=[area[1].pk])).content.decode()
    assert 'data-testid="cut"' in ranking
    queue = client.get(f"{reverse('assessment:queue')}?year={demo_round.pk}").content.decode()
    assert "Språk og arbeid i Drammen" in queue


def test_the_demo_round_is_refused_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(RuntimeError):
        demo_round_load()


def test_the_dismissal_is_under_appeal(demo):
    appeal = Appeal.objects.get(decision__isnull=False)
    assert appeal.decision.kind == "dismissal" and appeal.status == "lodged"
    assert not appeal.is_late


def test_the_follow_up_shows_every_stage(client, demo_round):
    """A payment due, a report returned, a reclaim, an appeal sent to AID, a letter waiting."""
    grants = {
        g.organisation.municipality_number or g.organisation.county_number: g
        for g in Grant.objects.filter(scheme_year=demo_round).select_related("organisation")
    }
    drammen = grants["3301"]
    assert drammen.status == GrantStatus.ACCEPTED
    assert [(p.term, p.status) for p in drammen.payments.order_by("due_on")] == [
        ("spring", PaymentStatus.PLANNED),
        ("autumn", PaymentStatus.PLANNED),
    ]
    assert payments_held_back(payments=[drammen.payments.get(term="spring")]) == {}
    assert grants["3203"].status == GrantStatus.LETTER_ISSUED

    vestland = grants["46"]
    returned = vestland.reports.get(kind="status")
    assert returned.status == ReportStatus.RETURNED and returned.review_comment
    assert vestland.payments.get(term="spring").status == PaymentStatus.APPROVED

    trondelag = grants["50"]
    assert set(trondelag.payments.values_list("status", flat=True)) == {PaymentStatus.APPROVED}
    reclaim = trondelag.reactions.get()
    assert (reclaim.kind, reclaim.status) == ("reclaim", ReactionStatus.APPROVED)
    assert reclaim_outstanding(grant=trondelag) == Decimal("250000")
    appeal = Appeal.objects.get(reaction=reclaim)
    assert appeal.status == "forwarded" and appeal.forwarded_on and not appeal.is_late

    grants_public = client.get(reverse("open_data_export", args=["json"])).json()["grants"]
    titles = {row["project_title"]: row for row in grants_public}
    assert titles["Likeverdige tjenester i Drammen kommune"]["focus_area"].startswith("5. ")
    assert "Velkomstpakke for nye innbyggere" not in titles, "a refusal is never published"
    assert "Antirasisme i skole og fritid" not in titles, "nor a letter not yet accepted"

    client.force_login(User.objects.get(email="caseworker@imdi.example"))
    for url in (
        reverse("grants:payments"),
        reverse("grants:grant_money", args=[trondelag.pk]),
        reverse("reporting:report_detail", args=[returned.pk]),
        reverse("appeals:detail", args=[appeal.pk]),
    ):
        assert client.get(url).status_code == 200, url
