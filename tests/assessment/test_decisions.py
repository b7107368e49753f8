"""Issue 9: from the formal check to the decision letters, through the services."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from applications.assessment import services
from applications.assessment.models import BudgetTransfer, Decision, DecisionLetter
from applications.development.models import Application, Status
from grants import services as grant_services
from grants.models import GrantLetter, GrantStatus
from imdi_grants.audit.models import AuditEntry
from imdi_grants.lib.deadlines import OSLO
from imdi_grants.lib.workflow import DomainError
from imdi_grants.outbox.models import OutboxMessage
from schemes.models import FocusArea

from .conftest import ALL_MET, declare, scored, submitted_application

pytestmark = pytest.mark.django_db


def pdf_text(field_file) -> str:
    field_file.open("rb")
    try:
        reader = PdfReader(io.BytesIO(field_file.read()))
    finally:
        field_file.close()
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def deliver(letter: DecisionLetter) -> str:
    """Run what the task runs, and read the PDF back."""
    services.decision_letter_send(letter_id=letter.pk, on=dt.date(2025, 4, 1))
    services.decision_letter_render(letter_id=letter.pk)
    letter.refresh_from_db()
    return pdf_text(letter.file)


def test_the_formal_check_passes_an_application_to_assessment(submitted, assessor_a):
    declare(submitted, assessor_a)
    services.formal_check_record(application=submitted, by=assessor_a, checks=ALL_MET)
    assert Application.objects.get(pk=submitted.pk).status == Status.IN_ASSESSMENT
    assert AuditEntry.objects.filter(action="imdi.assessment.formal_check_passed").exists()


def test_a_failed_formal_check_leads_to_a_dismissal_letter_that_states_the_appeal_rights(
    submitted, assessor_a
):
    declare(submitted, assessor_a)
    failed = {**ALL_MET, "check_participants": False}
    assessment = services.formal_check_record(application=submitted, by=assessor_a, checks=failed)
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert "ti deltakere" in services.failed_checks_text(assessment=assessment)
    decision = services.application_dismiss(
        application=submitted,
        by=assessor_a,
        grounds="Prosjektet har bare seks deltakere; kravet er minst ti.",
        rules_applied="Rundskriv 08-2025, vilkår for å få tilskudd",
    )
    assert Application.objects.get(pk=submitted.pk).status == Status.DISMISSED
    text = deliver(decision.letter)
    assert "seks deltakere" in text
    assert "Rundskriv 08-2025, vilkår for å få tilskudd" in text
    assert "tre uker" in text
    assert "Arbeids- og inkluderingsdepartementet" in text and "klageinstans" in text
    assert "sendes til IMDi" in text
    assert "§§ 18 og 27" in text
    assert decision.letter.sha256 and decision.letter.language == "nb"
    assert OutboxMessage.objects.filter(key__startswith=f"decision-letter:{decision.letter.pk}")


def test_a_dismissal_needs_grounds_and_the_rules(submitted, assessor_a):
    declare(submitted, assessor_a)
    with pytest.raises(DomainError, match=r"begrunnelse|grounds"):
        services.application_dismiss(
            application=submitted, by=assessor_a, grounds=" ", rules_applied="x"
        )
    assert not Decision.objects.exists()


def test_a_nynorsk_municipality_gets_its_dismissal_in_nynorsk(submitted, assessor_a):
    organisation = submitted.organisation
    organisation.written_standard = "nn"
    organisation.save(update_fields=["written_standard"])
    declare(submitted, assessor_a)
    decision = services.application_dismiss(
        application=submitted, by=assessor_a, grounds="For få deltakarar.", rules_applied="Vilkår"
    )
    text = deliver(decision.letter)
    assert "forvaltningslova" in text and "tre veker" in text


def test_assessors_score_independently_and_a_large_spread_is_flagged(
    in_assessment, lead, assessor_a, assessor_b
):
    low = {
        "purpose": 1,
        "purpose_note": "Svakt.",
        "capacity": 2,
        "capacity_note": "Uklart.",
        "transfer": 1,
        "transfer_note": "Lite.",
    }
    with pytest.raises(DomainError, match=r"1 til 6|from 1 to 6"):
        services.score_save(
            application=in_assessment, by=assessor_a, values={"purpose": 5}, submit=True
        )
    services.score_save(
        application=in_assessment, by=assessor_a, values={**low, "purpose": 6}, submit=True
    )
    services.score_save(application=in_assessment, by=assessor_b, values=low, submit=True)
    assessment = services.assessment_of(application=in_assessment)
    assert assessment.scores_submitted == 2
    assert assessment.score_spread == 5 and assessment.is_flagged
    assert assessment.score_mean == Decimal("6.50")
    with pytest.raises(DomainError):
        services.score_save(application=in_assessment, by=assessor_a, values=low, submit=True)


def test_two_windows_saving_one_score_do_not_overwrite_each_other(in_assessment, assessor_a):
    first = services.score_save(application=in_assessment, by=assessor_a, values={"purpose": 3})
    seen = first.version
    services.score_save(
        application=in_assessment, by=assessor_a, values={"purpose": 4}, seen_version=seen
    )
    with pytest.raises(DomainError) as exc:
        services.score_save(
            application=in_assessment, by=assessor_a, values={"purpose": 2}, seen_version=seen
        )
    assert exc.value.code == "stale"
    assert in_assessment.scores.get(assessor=assessor_a).purpose == 4


def test_only_an_assigned_assessor_scores_and_only_the_lead_agrees(
    in_assessment, lead, assessor_a, caseworker
):
    declare(in_assessment, caseworker)
    with pytest.raises(DomainError) as exc:
        services.score_save(application=in_assessment, by=caseworker, values={}, submit=False)
    assert exc.value.code == "forbidden"
    services.score_save(
        application=in_assessment,
        by=assessor_a,
        values={"purpose": 4, "purpose_note": "a", "capacity": 4, "capacity_note": "b"}
        | {"transfer": 4, "transfer_note": "c"},
        submit=True,
    )
    with pytest.raises(DomainError) as exc:
        services.agreed_score_set(
            application=in_assessment,
            by=assessor_a,
            purpose=4,
            capacity=4,
            transfer=4,
            comment="x",
        )
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError, match=r"kommentar|comment"):
        services.agreed_score_set(
            application=in_assessment, by=lead, purpose=4, capacity=4, transfer=4, comment=""
        )


def test_a_conflicted_caseworker_is_refused_every_service(
    in_assessment, lead, caseworker, assessor_a, assessor_b
):
    declare(in_assessment, caseworker, conflict=True)
    with pytest.raises(DomainError):
        declare(in_assessment, caseworker)  # a declared conflict cannot be taken back
    attempts = [
        lambda: services.score_save(application=in_assessment, by=caseworker, values={}),
        lambda: services.comment_add(application=in_assessment, by=caseworker, text="x"),
        lambda: services.application_dismiss(
            application=in_assessment, by=caseworker, grounds="x", rules_applied="y"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError) as exc:
            attempt()
        assert exc.value.code == "forbidden"
    with pytest.raises(DomainError, match=r"habil|conflict"):
        services.assessors_assign(
            applications=[in_assessment],
            assessors=[caseworker, assessor_a, assessor_b],
            by=lead,
            per_application=3,
        )


def test_the_award_makes_the_grant_with_two_terms_and_the_letter_says_it_all(
    in_assessment, lead, assessor_a, assessor_b, signatory
):
    application = scored(in_assessment, lead, assessor_a, assessor_b)
    decision = services.application_award(
        application=application,
        by=lead,
        amount=Decimal("350000"),
        special_conditions="Prosjektet skal levere en veileder innen 1. desember.",
    )
    grant = decision.grant
    assert grant.status == GrantStatus.PENDING and grant.amount == Decimal("350000")
    assert grant.planned_years.get().year == 2026, "the second project year is planned"
    plan = list(grant.payments.order_by("due_on").values_list("term", "due_on", "amount"))
    assert plan == [
        ("spring", dt.date(2025, 5, 15), Decimal("175000")),
        ("autumn", dt.date(2025, 10, 15), Decimal("175000")),
    ]
    services.allocation_finalise(focus_area=application.focus_area, by=lead)
    assert services.decisions_send(focus_area=application.focus_area, by=lead) == 1
    assert services.decisions_send(focus_area=application.focus_area, by=lead) == 0
    letter = GrantLetter.objects.get(grant=grant)
    grant_services.grant_letter_send(letter_id=letter.pk, on=dt.date(2025, 4, 1))
    grant_services.grant_letter_render(letter_id=letter.pk)
    letter.refresh_from_db()
    text = pdf_text(letter.file)
    assert "350 000" in text
    assert "15. mai 2025" in text and "15. oktober 2025" in text
    assert "175 000" in text
    assert "levere en veileder" in text
    assert "15. april 2025" in text, "acceptance deadline: 14 days from sending"
    assert "1. september 2025" in text and "1. februar 2026" in text
    assert "Riksrevisjonen" in text
    assert "ikke rett til å klage" in text
    assert "Hanne Hansen" in text
    assert "2026" in text and "Stortingets bevilgning" in text
    grant_services.grant_accept(grant=grant, by=signatory, at=dt.datetime(2025, 4, 10, tzinfo=OSLO))
    grant.refresh_from_db()
    assert grant.status == GrantStatus.ACCEPTED
    kinds = set(grant.reports.values_list("kind", flat=True))
    assert kinds == {"status", "annual"}


def test_the_refusal_letter_says_there_is_no_right_of_appeal(in_assessment, lead):
    decision = services.application_refuse(
        application=in_assessment, by=lead, grounds="Rangert under andre søknader i området."
    )
    services.allocation_finalise(focus_area=in_assessment.focus_area, by=lead)
    assert services.decisions_send(focus_area=in_assessment.focus_area, by=lead) == 1
    assert services.decisions_send(focus_area=in_assessment.focus_area, by=lead) == 0
    assert DecisionLetter.objects.filter(decision=decision).count() == 1
    text = deliver(DecisionLetter.objects.get(decision=decision))
    assert "Rangert under andre søknader" in text
    assert "ikke rett til å klage" in text
    assert "forvaltningsloven §§ 3 første ledd og 28" in text
    assert "tre uker" not in text


def test_the_batch_waits_for_the_final_allocation_and_sends_each_letter_once(
    in_assessment, lead, settings
):
    services.application_refuse(application=in_assessment, by=lead, grounds="Lavt rangert.")
    with pytest.raises(DomainError):
        services.decisions_send(focus_area=in_assessment.focus_area, by=lead)
    services.allocation_finalise(focus_area=in_assessment.focus_area, by=lead)
    with pytest.raises(DomainError):
        services.allocation_finalise(focus_area=in_assessment.focus_area, by=lead)
    for _ in range(3):
        services.decisions_send(focus_area=in_assessment.focus_area, by=lead)
    letter = DecisionLetter.objects.get()
    services.decision_letter_send(letter_id=letter.pk)
    services.decision_letter_send(letter_id=letter.pk)
    assert OutboxMessage.objects.filter(key__startswith="decision-letter:").count() == (
        in_assessment.organisation.memberships.count()
    )


def test_an_award_beyond_the_area_budget_is_refused(in_assessment, lead, assessor_a, assessor_b):
    application = scored(in_assessment, lead, assessor_a, assessor_b)
    FocusArea.objects.filter(pk=application.focus_area_id).update(budget_amount=300000)
    with pytest.raises(DomainError, match="300\xa0000"):
        services.application_award(application=application, by=lead, amount=Decimal("350000"))
    assert not Decision.objects.exists()
    assert Application.objects.get(pk=application.pk).status == Status.IN_ASSESSMENT


def test_an_award_beyond_the_frame_is_refused_also_counting_earlier_rounds(
    in_assessment, lead, assessor_a, assessor_b, round_2025
):
    application = scored(in_assessment, lead, assessor_a, assessor_b)
    round_2025.budget_frame = Decimal("349999")
    round_2025.save(update_fields=["budget_frame"])
    FocusArea.objects.filter(scheme_year=round_2025).update(budget_amount=None)
    with pytest.raises(DomainError, match="349\xa0999"):
        services.application_award(application=application, by=lead, amount=Decimal("350000"))
    decision = services.application_award(
        application=application, by=lead, amount=Decimal("349999"), planned_years={}
    )
    assert decision.grant.amount == Decimal("349999")


def test_area_budgets_cannot_add_up_to_more_than_the_frame(round_2025):
    from django.core.exceptions import ValidationError

    from schemes.services import area_budgets_check

    with pytest.raises(ValidationError, match="51"):
        area_budgets_check(frame=round_2025.budget_frame, budgets=[Decimal("51500000"), 1])
    area_budgets_check(frame=round_2025.budget_frame, budgets=[Decimal("51500000"), None])


def test_the_administrator_moves_unused_funds_with_a_reason(round_2025, lead, administrator):
    one, two = (FocusArea.objects.get(scheme_year=round_2025, number=n) for n in (1, 2))
    with pytest.raises(DomainError) as exc:
        services.area_budget_move(
            from_area=one, to_area=two, amount=Decimal("1"), reason="x", by=lead
        )
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError, match="10\xa0000\xa0000"):
        services.area_budget_move(
            from_area=one, to_area=two, amount=Decimal("10000001"), reason="x", by=administrator
        )
    with pytest.raises(DomainError):
        services.area_budget_move(
            from_area=one, to_area=two, amount=Decimal("1000"), reason=" ", by=administrator
        )
    services.area_budget_move(
        from_area=one,
        to_area=two,
        amount=Decimal("2500000"),
        reason="Få gode søknader i område 1.",
        by=administrator,
    )
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.budget_amount, two.budget_amount) == (Decimal("7500000"), Decimal("12500000"))
    transfer = BudgetTransfer.objects.get()
    assert transfer.reason == "Få gode søknader i område 1." and transfer.moved_by == administrator
    assert AuditEntry.objects.get(action="imdi.assessment.budget_moved").reason == transfer.reason


def test_bulk_assignment_shares_the_work_and_skips_the_conflicted(
    round_2025, municipality, applicant, signatory, lead, assessor_a, assessor_b, caseworker
):
    applications = [
        submitted_application(municipality, applicant, signatory, title=f"P{n}") for n in range(3)
    ]
    declare(applications[0], caseworker, conflict=True)
    made = services.assessors_assign(
        applications=applications,
        assessors=[assessor_a, assessor_b, caseworker],
        by=lead,
        per_application=2,
    )
    assert len(made) == 6
    assert caseworker.pk not in {
        a.assessor_id for a in made if a.application_id == applications[0].pk
    }
    counts = {u.pk: sum(a.assessor_id == u.pk for a in made) for u in (assessor_a, assessor_b)}
    assert all(count >= 1 for count in counts.values())
    again = services.assessors_assign(
        applications=applications, assessors=[assessor_a, assessor_b], by=lead, per_application=2
    )
    assert again == [], "assigning again adds nobody twice"


def test_a_decision_letter_not_delivered_is_found_again_by_the_sweeper(submitted, assessor_a):
    """Pending work lives in the database: a letter whose task was lost is delivered again."""
    from django.utils import timezone

    declare(submitted, assessor_a)
    decision = services.application_dismiss(
        application=submitted, by=assessor_a, grounds="For sent.", rules_applied="Fristen"
    )
    assert services.decision_letters_sweep() == 0, "not yet: the task may still be running"
    later = timezone.now() + dt.timedelta(minutes=6)
    assert services.decision_letters_sweep(now=later) == 1
    deliver(decision.letter)
    assert services.decision_letters_sweep(now=later) == 0
