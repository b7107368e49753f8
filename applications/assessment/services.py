"""Writes of the assessment; every change to a case under assessment happens here.

The application's status moves only through ``APPLICATION_FLOW`` (in the development app, one
table for the whole life of an application): the formal check passes it to assessment or it is
dismissed; the lead caseworker awards or refuses it. Everything else here is the assessment's own
record: assessors, scores, the agreed score, the proposed amount, comments, the area's final
allocation and the decision letters.

Two rules hold whatever the page: staff with a declared conflict of interest do nothing on the
case (``access.is_impartial``), and nothing is awarded beyond the area's budget or the round's
frame, also under concurrent awards (the scheme year's row is locked while the totals are summed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.development import access as application_access
from applications.development.models import Application, Status
from applications.development.services import APPLICATION_FLOW
from grants.models import Grant, GrantStatus, PlannedYear
from grants.services import grant_create, grant_letter_issue, letter_signer, payment_plan_set
from imdi_grants.accounts.models import User
from imdi_grants.audit.services import audit_log
from imdi_grants.lib.deadlines import today_in_oslo
from imdi_grants.lib.pdfs import pdf_store
from imdi_grants.lib.pending import stuck_before
from imdi_grants.lib.tasks import enqueue, sweep
from imdi_grants.lib.workflow import DomainError, lock, require, require_actor
from imdi_grants.outbox.services import organisation_notify
from schemes.models import FocusArea, SchemeYear

from . import access
from .models import (
    CRITERIA,
    FORMAL_CHECKS,
    PRIORITIES,
    AreaAllocation,
    Assessment,
    Assignment,
    BudgetTransfer,
    Comment,
    Decision,
    DecisionKind,
    DecisionLetter,
    Score,
)
from .selectors import (
    amount_applied_first_year,
    area_awarded,
    decision_letters_stuck,
    frame_used,
    later_years_applied,
)

RELATED = ("organisation", "focus_area", "scheme_year__scheme")


def _stale(message: str) -> DomainError:
    return DomainError(message, code="stale")


def assessment_of(*, application: Application) -> Assessment:
    """The application's assessment record, made on first use."""
    assessment, _created = Assessment.objects.get_or_create(application=application)
    return assessment


def _locked_assessment(application: Application, seen_version: int | None) -> Assessment:
    assessment_of(application=application)
    assessment = Assessment.objects.select_for_update().get(application=application)
    if seen_version is not None and seen_version != assessment.version:
        raise _stale(
            _(
                "Someone else changed the assessment after you opened the page. Nothing was "
                "saved; look at it again."
            )
        )
    return assessment


def _bump(assessment: Assessment, fields: Iterable[str]) -> None:
    assessment.version += 1
    assessment.save(update_fields=[*fields, "version", "updated_at"])


# --- Formal check and dismissal ------------------------------------------------------------


@transaction.atomic
def formal_check_record(
    *,
    application: Application,
    by: User,
    checks: dict[str, bool],
    notes: str = "",
    seen_version: int | None = None,
) -> Assessment:
    """Record the formal check (formell kontroll). When every condition holds the application
    goes to assessment; when one fails it stays for dismissal with written grounds
    (``application_dismiss``)."""
    application = lock(application, *RELATED)
    require_actor(application_access.is_impartial(by, application))
    require(
        application.status == Status.SUBMITTED,
        _("The formal check is made once, on a submitted application."),
        code="stale",
    )
    assessment = _locked_assessment(application, seen_version)
    for name in FORMAL_CHECKS:
        setattr(assessment, name, bool(checks.get(name)))
    assessment.check_notes = notes.strip()
    assessment.checked_by = by
    assessment.checked_at = timezone.now()
    _bump(assessment, [*FORMAL_CHECKS, "check_notes", "checked_by", "checked_at"])
    failed = [name for name in FORMAL_CHECKS if not getattr(assessment, name)]
    if not failed:
        APPLICATION_FLOW.move(
            application,
            Status.IN_ASSESSMENT,
            by=by,
            action="imdi.assessment.formal_check_passed",
            organisation=application.organisation,
            fields=["updated_at"],
            reason=assessment.check_notes,
        )
    return assessment


def failed_checks_text(*, assessment: Assessment) -> str:
    """The failed conditions of the formal check, as the start of a dismissal's grounds."""
    return "\n".join(
        f"– {label}" for label, value in assessment.formal_check_items if value is False
    )


@transaction.atomic
def application_dismiss(
    *, application: Application, by: User, grounds: str, rules_applied: str
) -> Decision:
    """Dismiss (avvise) an application that fails the formal check. An individual decision (fvl
    § 2 b): the letter, rendered and sent after commit, states the grounds, the rules, the right
    to appeal within three weeks to IMDi with AID as appeals body, and the right to see the
    documents."""
    application = lock(application, *RELATED)
    APPLICATION_FLOW.check(application, Status.DISMISSED, by=by)
    require(bool(grounds.strip()), _("Give the grounds for the dismissal."))
    require(bool(rules_applied.strip()), _("Name the rules the dismissal is made under."))
    signer = letter_signer(scheme_year=application.scheme_year)
    decision = Decision.objects.create(
        application=application,
        kind=DecisionKind.DISMISSAL,
        grounds=grounds.strip(),
        rules_applied=rules_applied.strip(),
        decided_by=by,
    )
    letter = DecisionLetter.objects.create(
        decision=decision,
        language=application.organisation.letter_language,
        signed_by=signer[0],
        signer_title=signer[1],
    )
    application.decision_released_at = timezone.now()
    APPLICATION_FLOW.move(
        application,
        Status.DISMISSED,
        by=by,
        action="imdi.assessment.dismissed",
        organisation=application.organisation,
        fields=["updated_at", "decision_released_at"],
        reason=decision.grounds,
        data={"rules_applied": decision.rules_applied},
        follow_up=[_deliver(letter)],
    )
    return decision


def _deliver(letter: DecisionLetter) -> tuple:
    from .tasks import decision_letter_deliver

    return (decision_letter_deliver, letter.pk)


# --- Work allocation and comments ----------------------------------------------------------


def _assign(application: Application, assessor: User, by: User) -> Assignment | None:
    require(
        assessor.is_imdi_staff and assessor.is_active,
        _("%(name)s is not a caseworker.") % {"name": assessor},
    )
    if application_access.staff_clearance(assessor, application) == (
        application_access.Clearance.CONFLICT
    ):
        raise DomainError(
            _("%(name)s has declared a conflict of interest in %(case)s.")
            % {"name": assessor, "case": application.case_number}
        )
    assignment, created = Assignment.objects.get_or_create(
        application=application, assessor=assessor, defaults={"assigned_by": by}
    )
    if not created:
        return None
    audit_log(
        subject=application,
        action="imdi.assessment.assigned",
        actor=by,
        organisation=application.organisation,
        data={"assessor": assessor.email},
    )
    return assignment


@transaction.atomic
def assessors_assign(
    *, applications: list[Application], assessors: list[User], by: User, per_application: int
) -> list[Assignment]:
    """The lead caseworker assigns assessors, singly or in bulk: each application gets
    ``per_application`` of the chosen assessors (the round's default is two), taken in turn so
    the work is shared evenly, never one who declared a conflict in that case. Assessors
    already on a case stay; nothing is assigned if one application cannot be."""
    require(bool(applications), _("Choose at least one application."))
    require(bool(assessors), _("Choose at least one assessor."))
    require(
        1 <= per_application <= len(assessors),
        _("Choose at least as many assessors as each application is to have (%(count)s).")
        % {"count": per_application},
    )
    made: list[Assignment] = []
    turn = 0
    for application in applications:
        application = lock(application, *RELATED)
        require_actor(access.can_allocate(by, application))
        require(
            application.status in (Status.SUBMITTED, Status.IN_ASSESSMENT),
            _("%(case)s is decided and gets no assessors.") % {"case": application.case_number},
        )
        present = set(application.assignments.values_list("assessor_id", flat=True))
        candidates = [a for a in assessors[turn:] + assessors[:turn] if a.pk not in present]
        free = [
            a
            for a in candidates
            if application_access.staff_clearance(a, application)
            != application_access.Clearance.CONFLICT
        ]
        needed = max(per_application - len(present), 0)
        require(
            len(free) >= needed,
            _("%(case)s: too few of the chosen assessors are free of conflicts of interest.")
            % {"case": application.case_number},
        )
        for assessor in free[:needed]:
            assignment = _assign(application, assessor, by)
            if assignment is not None:
                made.append(assignment)
        turn = (turn + needed) % len(assessors)
    return made


@transaction.atomic
def assignment_remove(*, assignment: Assignment, by: User) -> None:
    """Take an assessor off a case before they have submitted their score."""
    application = lock(assignment.application, *RELATED)
    require_actor(access.can_allocate(by, application))
    require(
        not Score.objects.filter(
            application=application, assessor=assignment.assessor, submitted_at__isnull=False
        ).exists(),
        _("%(name)s has submitted a score and stays on the case.") % {"name": assignment.assessor},
    )
    Score.objects.filter(application=application, assessor=assignment.assessor).delete()
    assignment.delete()
    audit_log(
        subject=application,
        action="imdi.assessment.unassigned",
        actor=by,
        organisation=application.organisation,
        data={"assessor": assignment.assessor.email},
    )


@transaction.atomic
def comment_add(*, application: Application, by: User, text: str) -> Comment:
    """An internal comment, seen by IMDi's staff only."""
    require_actor(application_access.is_impartial(by, application))
    require(bool(text.strip()), _("Write a comment."))
    comment = Comment.objects.create(application=application, author=by, text=text.strip())
    audit_log(
        subject=application,
        action="imdi.assessment.comment_added",
        actor=by,
        organisation=application.organisation,
    )
    return comment


# --- Scoring ---------------------------------------------------------------------------------


@transaction.atomic
def score_save(
    *,
    application: Application,
    by: User,
    values: dict[str, object],
    submit: bool = False,
    seen_version: int | None = None,
) -> Score:
    """An assessor saves their own score (1–6 per criterion with a justification each, and the
    priorities); submitting it makes it final and lets them see the others'. Two windows saving
    the same score at once: the second is refused, not silently lost."""
    application = lock(application, *RELATED)
    require_actor(access.can_score(by, application))
    require(
        application.status == Status.IN_ASSESSMENT,
        _("Only an application in assessment is scored."),
        code="stale",
    )
    Score.objects.get_or_create(application=application, assessor=by)
    score = Score.objects.select_for_update().get(application=application, assessor=by)
    if seen_version is not None and seen_version != score.version:
        raise _stale(
            _("Your score was saved from another window after you opened this one. Look again.")
        )
    require(
        not score.is_submitted,
        _("Your score is submitted and can no longer be changed."),
        code="stale",
    )
    for name in CRITERIA:
        setattr(score, name, values.get(name))
        setattr(score, f"{name}_note", str(values.get(f"{name}_note") or "").strip())
    for name in PRIORITIES:
        setattr(score, name, bool(values.get(name)))
    if submit:
        missing = [
            name
            for name in CRITERIA
            if getattr(score, name) is None or not getattr(score, f"{name}_note")
        ]
        require(
            not missing,
            _("Give every criterion a score from 1 to 6 and a justification before submitting."),
        )
        score.submitted_at = timezone.now()
    score.version += 1
    score.save()
    if submit:
        _scores_summarise(application)
        audit_log(
            subject=application,
            action="imdi.assessment.score_submitted",
            actor=by,
            organisation=application.organisation,
            data={name: getattr(score, name) for name in CRITERIA},
        )
    return score


def _scores_summarise(application: Application) -> None:
    """Store the mean and spread of the submitted totals; flag a spread at the round's limit."""
    assessment = Assessment.objects.select_for_update().get(
        pk=assessment_of(application=application).pk
    )
    totals = [
        s.total for s in Score.objects.filter(application=application, submitted_at__isnull=False)
    ]
    assessment.scores_submitted = len(totals)
    assessment.score_mean = (
        (Decimal(sum(totals)) / len(totals)).quantize(Decimal("0.01")) if totals else None
    )
    assessment.score_spread = max(totals) - min(totals) if len(totals) > 1 else None
    assessment.is_flagged = bool(
        assessment.score_spread is not None
        and assessment.score_spread >= application.scheme_year.score_spread_limit
    )
    if assessment.agreed_total is None:
        assessment.ranking_score = assessment.score_mean
    _bump(
        assessment,
        ["scores_submitted", "score_mean", "score_spread", "is_flagged", "ranking_score"],
    )


@transaction.atomic
def agreed_score_set(
    *,
    application: Application,
    by: User,
    purpose: int,
    capacity: int,
    transfer: int,
    comment: str,
    seen_version: int | None = None,
) -> Assessment:
    """The lead caseworker sets the agreed score (omforent poengsum) after the assessors have
    submitted theirs, with a comment; it ranks the application in its focus area."""
    application = lock(application, *RELATED)
    require_actor(access.can_lead(by, application))
    require(
        application.status == Status.IN_ASSESSMENT,
        _("Only an application in assessment gets an agreed score."),
        code="stale",
    )
    assessment = _locked_assessment(application, seen_version)
    require(
        assessment.scores_submitted > 0,
        _("The agreed score is set after at least one assessor has submitted a score."),
    )
    values = (purpose, capacity, transfer)
    require(
        all(isinstance(v, int) and 1 <= v <= 6 for v in values),
        _("Each criterion is scored from 1 to 6."),
    )
    require(bool(comment.strip()), _("Explain the agreed score in a comment."))
    assessment.agreed_purpose, assessment.agreed_capacity, assessment.agreed_transfer = values
    assessment.agreed_total = sum(values)
    assessment.agreed_comment = comment.strip()
    assessment.agreed_by = by
    assessment.agreed_at = timezone.now()
    assessment.ranking_score = Decimal(assessment.agreed_total)
    _bump(
        assessment,
        [
            "agreed_purpose",
            "agreed_capacity",
            "agreed_transfer",
            "agreed_total",
            "agreed_comment",
            "agreed_by",
            "agreed_at",
            "ranking_score",
        ],
    )
    audit_log(
        subject=application,
        action="imdi.assessment.agreed",
        actor=by,
        organisation=application.organisation,
        reason=assessment.agreed_comment,
        data={"purpose": purpose, "capacity": capacity, "transfer": transfer},
    )
    return assessment


# --- Allocation against the area budget and the frame ------------------------------------------


def _require_not_final(focus_area: FocusArea) -> None:
    require(
        not AreaAllocation.objects.filter(focus_area=focus_area).exists(),
        _("The allocation of %(area)s is final.") % {"area": focus_area},
        code="stale",
    )


@transaction.atomic
def proposed_amount_set(
    *, application: Application, by: User, amount: Decimal, seen_version: int | None = None
) -> Assessment:
    """The lead caseworker proposes what to award for the first year; it may be lower than the
    amount applied for, never higher."""
    application = lock(application, *RELATED)
    require_actor(access.can_lead(by, application))
    require(
        application.status == Status.IN_ASSESSMENT,
        _("Only an application in assessment gets a proposed amount."),
        code="stale",
    )
    _require_not_final(application.focus_area)
    applied = amount_applied_first_year(application=application)
    require(amount >= 0, _("The amount cannot be negative."))
    require(
        amount <= applied,
        _("The proposed amount cannot be more than applied for (%(applied)s kr).")
        % {"applied": f"{applied:,.0f}".replace(",", "\u00a0")},
    )
    assessment = _locked_assessment(application, seen_version)
    assessment.proposed_amount = amount
    _bump(assessment, ["proposed_amount"])
    audit_log(
        subject=application,
        action="imdi.assessment.amount_proposed",
        actor=by,
        organisation=application.organisation,
        data={"amount": str(amount)},
    )
    return assessment


def _require_room(scheme_year: SchemeYear, focus_area: FocusArea, amount: Decimal) -> None:
    """Refuse an award beyond the area's budget or the round's frame; call with the scheme
    year's row locked, so two awards at the same moment are summed one after the other."""
    require(
        scheme_year.budget_frame is not None,
        _("%(year)s has no budget frame; an administrator must set it before awards.")
        % {"year": scheme_year},
    )
    left = scheme_year.budget_frame - frame_used(scheme_year=scheme_year)
    require(
        amount <= left,
        _("The award would exceed the round's frame: %(left)s kr is left.")
        % {"left": f"{max(left, 0):,.0f}".replace(",", "\u00a0")},
    )
    if focus_area.budget_amount is not None:
        area_left = focus_area.budget_amount - area_awarded(focus_area=focus_area)
        require(
            amount <= area_left,
            _("The award would exceed the budget of %(area)s: %(left)s kr is left.")
            % {"area": focus_area, "left": f"{max(area_left, 0):,.0f}".replace(",", "\u00a0")},
        )


def _planned_later_years(
    application: Application, planned_years: dict[int, Decimal] | None
) -> dict[int, Decimal]:
    """Later years of a multi-year project, by calendar year: what the lead gave, else what was
    applied for those years."""
    given = (
        planned_years.items()
        if planned_years is not None
        else later_years_applied(application=application)
    )
    return {year: amount for year, amount in given if amount > 0}


def _require_later_frames(scheme_year: SchemeYear, planned: dict[int, Decimal]) -> None:
    """A later year already configured with a frame must have room for the planned amount."""
    for year, amount in planned.items():
        later = (
            SchemeYear.objects.select_for_update()
            .filter(scheme=scheme_year.scheme, year=year, budget_frame__isnull=False)
            .first()
        )
        if later is None:
            continue
        left = later.budget_frame - frame_used(scheme_year=later)
        require(
            amount <= left,
            _("The planned amount for %(year)s would exceed that year's frame: %(left)s kr left.")
            % {"year": year, "left": f"{max(left, 0):,.0f}".replace(",", "\u00a0")},
        )


@transaction.atomic
def application_award(
    *,
    application: Application,
    by: User,
    amount: Decimal,
    special_conditions: str = "",
    planned_years: dict[int, Decimal] | None = None,
) -> Decision:
    """Award (tilsagn) the first year; later years of a multi-year project are recorded as
    planned, conditional on the appropriation. The grant, its payment plan in the year's terms
    and the decision are made now; the letter goes with the area's batch."""
    scheme_year = SchemeYear.objects.select_for_update().get(pk=application.scheme_year_id)
    application = lock(application, *RELATED)
    APPLICATION_FLOW.check(application, Status.AWARDED, by=by)
    _require_not_final(application.focus_area)
    assessment = assessment_of(application=application)
    require(
        assessment.agreed_total is not None,
        _("Set the agreed score before deciding."),
    )
    require(amount > 0, _("An award must be more than 0 kr."))
    require(
        amount <= amount_applied_first_year(application=application),
        _("The award cannot be more than applied for."),
    )
    _require_room(scheme_year, application.focus_area, amount)
    later = _planned_later_years(application, planned_years)
    _require_later_frames(scheme_year, later)
    organisation = application.organisation
    require(
        bool(organisation.bank_account_number),
        _("%(organisation)s has no bank account number; it must be registered first.")
        % {"organisation": organisation},
    )
    year = scheme_year.year
    start = application.project_start
    grant = grant_create(
        case_number=application.case_number,
        organisation=organisation,
        scheme_year=scheme_year,
        amount=amount,
        starts_on=start if start and start.year == year else dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
        bank_account_number=organisation.bank_account_number,
        by=by,
        planned_years=later,
    )
    payment_plan_set(grant=grant)
    decision = Decision.objects.create(
        application=application,
        kind=DecisionKind.AWARD,
        amount=amount,
        special_conditions=special_conditions.strip(),
        grant=grant,
        decided_by=by,
    )
    APPLICATION_FLOW.move(
        application,
        Status.AWARDED,
        by=by,
        action="imdi.assessment.awarded",
        organisation=organisation,
        fields=["updated_at"],
        data={
            "amount": str(amount),
            "planned_years": {str(y): str(a) for y, a in later.items()},
        },
    )
    return decision


@transaction.atomic
def application_refuse(*, application: Application, by: User, grounds: str) -> Decision:
    """Refuse (avslå); the letter goes with the area's batch and states that there is no right
    of appeal against award or refusal (fvl §§ 3 first paragraph and 28)."""
    application = lock(application, *RELATED)
    APPLICATION_FLOW.check(application, Status.REFUSED, by=by)
    _require_not_final(application.focus_area)
    require(bool(grounds.strip()), _("Give the grounds for the refusal."))
    decision = Decision.objects.create(
        application=application,
        kind=DecisionKind.REFUSAL,
        grounds=grounds.strip(),
        decided_by=by,
    )
    APPLICATION_FLOW.move(
        application,
        Status.REFUSED,
        by=by,
        action="imdi.assessment.refused",
        organisation=application.organisation,
        fields=["updated_at"],
        reason=decision.grounds,
    )
    return decision


@transaction.atomic
def allocation_finalise(*, focus_area: FocusArea, by: User) -> AreaAllocation:
    """Make a focus area's allocation final once every application in it is decided; its
    letters may then be sent as one batch."""
    focus_area = FocusArea.objects.select_for_update().get(pk=focus_area.pk)
    require_actor(access.is_lead(by))
    _require_not_final(focus_area)
    open_cases = Application.objects.filter(
        focus_area=focus_area, status__in=[Status.SUBMITTED, Status.IN_ASSESSMENT]
    ).count()
    require(
        open_cases == 0,
        _("%(count)s applications in %(area)s are not yet decided.")
        % {"count": open_cases, "area": focus_area},
    )
    allocation = AreaAllocation.objects.create(
        focus_area=focus_area, finalised_at=timezone.now(), finalised_by=by
    )
    audit_log(
        subject=focus_area,
        action="imdi.assessment.allocation_finalised",
        actor=by,
        organisation=None,
        data={"awarded": str(area_awarded(focus_area=focus_area))},
    )
    return allocation


def decisions_send(*, focus_area: FocusArea, by: User) -> int:
    """Send the letters of a finalised area's awards and refusals: each decision gets its letter
    once, so sending the batch again sends nothing twice. Returns how many were sent now."""
    require_actor(access.is_lead(by))
    require(
        AreaAllocation.objects.filter(focus_area=focus_area).exists(),
        _("Make the allocation of %(area)s final before sending its letters.")
        % {"area": focus_area},
    )
    sent = 0
    decisions = Decision.objects.filter(
        application__focus_area=focus_area,
        kind__in=[DecisionKind.AWARD, DecisionKind.REFUSAL],
    ).values_list("pk", flat=True)
    for pk in decisions:
        with transaction.atomic():
            decision = (
                Decision.objects.select_for_update(of=("self",))
                .select_related("application__scheme_year", "application__organisation", "grant")
                .get(pk=pk)
            )
            if decision.is_award:
                if decision.grant.status == GrantStatus.PENDING:
                    grant_letter_issue(grant=decision.grant, by=by)
                    sent += 1
            elif _refusal_letter_create(decision):
                sent += 1
            Application.objects.filter(
                pk=decision.application_id, decision_released_at__isnull=True
            ).update(decision_released_at=timezone.now())
    return sent


def _refusal_letter_create(decision: Decision) -> bool:
    if DecisionLetter.objects.filter(decision=decision).exists():
        return False
    signed_by, title = letter_signer(scheme_year=decision.application.scheme_year)
    try:
        with transaction.atomic():
            letter = DecisionLetter.objects.create(
                decision=decision,
                language=decision.application.organisation.letter_language,
                signed_by=signed_by,
                signer_title=title,
            )
    except IntegrityError:  # sent from another window at the same moment
        return False
    enqueue(*_deliver(letter))
    return True


@transaction.atomic
def area_budget_move(
    *, from_area: FocusArea, to_area: FocusArea, amount: Decimal, reason: str, by: User
) -> BudgetTransfer:
    """An administrator moves unused funds between two areas of a round (omprioritering, when
    an area lacks good enough applications); the frame is unchanged."""
    require_actor(access.is_administrator(by))
    scheme_year = SchemeYear.objects.select_for_update().get(pk=from_area.scheme_year_id)
    areas = {
        a.pk: a
        for a in FocusArea.objects.select_for_update().filter(pk__in=[from_area.pk, to_area.pk])
    }
    from_area, to_area = areas[from_area.pk], areas.get(to_area.pk)
    require(
        to_area is not None and to_area.scheme_year_id == scheme_year.pk,
        _("Funds move between areas of the same round."),
    )
    require(from_area.pk != to_area.pk, _("Choose two different areas."))
    require(amount > 0, _("The amount must be more than 0 kr."))
    require(bool(reason.strip()), _("Give the reason for moving the funds."))
    require(
        from_area.budget_amount is not None,
        _("%(area)s has no budget to move from.") % {"area": from_area},
    )
    unused = from_area.budget_amount - area_awarded(focus_area=from_area)
    require(
        amount <= unused,
        _("Only unused funds can be moved: %(unused)s kr is unused in %(area)s.")
        % {"unused": f"{max(unused, 0):,.0f}".replace(",", "\u00a0"), "area": from_area},
    )
    FocusArea.objects.filter(pk=from_area.pk).update(
        budget_amount=models.F("budget_amount") - amount
    )
    FocusArea.objects.filter(pk=to_area.pk).update(
        budget_amount=models.functions.Coalesce(models.F("budget_amount"), Decimal("0")) + amount
    )
    transfer = BudgetTransfer.objects.create(
        scheme_year=scheme_year,
        from_area=from_area,
        to_area=to_area,
        amount=amount,
        reason=reason.strip(),
        moved_by=by,
    )
    audit_log(
        subject=scheme_year,
        action="imdi.assessment.budget_moved",
        actor=by,
        organisation=None,
        reason=transfer.reason,
        data={"from": from_area.number, "to": to_area.number, "amount": str(amount)},
    )
    return transfer


# --- Decision letters (refusal and dismissal) -------------------------------------------------


@transaction.atomic
def decision_letter_send(*, letter_id: int, on: dt.date | None = None) -> bool:
    """Date the letter and queue an e-mail to the organisation's users once; the PDF is rendered
    after, with that date."""
    letter = (
        DecisionLetter.objects.select_for_update(of=("self",))
        .select_related("decision__application__organisation")
        .get(pk=letter_id)
    )
    if letter.sent_on is not None:
        return False
    letter.sent_on = on or today_in_oslo()
    letter.save(update_fields=["sent_on"])
    application = letter.decision.case
    organisation_notify(
        organisation=application.organisation,
        key=f"decision-letter:{letter.pk}",
        template="assessment/email/decision",
        context={
            "decision": letter.decision,
            "application": application,
            "link": settings.PORTAL_BASE_URL
            + reverse("assessment:decision", args=[application.pk]),
        },
    )
    audit_log(
        subject=application,
        action="imdi.assessment.decision_letter_sent",
        actor=None,
        organisation=application.organisation,
        data={"kind": letter.decision.kind, "sent_on": str(letter.sent_on)},
    )
    return True


@transaction.atomic
def decision_letter_render(*, letter_id: int) -> bool:
    """Render and store the letter once; a rendered letter never changes."""
    from .letters import decision_letter_pdf

    letter = (
        DecisionLetter.objects.select_for_update(of=("self",))
        .select_related("decision__application__organisation", "decision__application__scheme_year")
        .get(pk=letter_id)
    )
    if letter.rendered_at is not None:
        return False
    pdf_store(
        letter,
        decision_letter_pdf(letter=letter),
        filename=f"vedtak-{letter.decision.case.case_number}.pdf",
    )
    return True


def decision_letters_sweep(*, now: dt.datetime | None = None) -> int:
    """Deliver again the letters still not sent or rendered some minutes after they were made."""
    from .tasks import decision_letter_deliver

    stuck = decision_letters_stuck(before=stuck_before(now))
    return sweep(decision_letter_deliver, stuck.values_list("pk", flat=True))


@transaction.atomic
def dismissal_reverse(*, decision: Decision, by: User, reason: str) -> Application:
    """A dismissal reversed on appeal: the decision is kept, detached from the case (its letter
    stays what it was), and the application goes back to assessment for a new decision."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    require(
        decision.kind == DecisionKind.DISMISSAL and decision.application_id is not None,
        _("Only a dismissal in force can be reversed."),
        code="stale",
    )
    application = lock(decision.application, *RELATED)
    APPLICATION_FLOW.check(application, Status.IN_ASSESSMENT, by=by)
    decision.reversed_from, decision.reversed_at = application, timezone.now()
    decision.application = None
    decision.save(update_fields=["application", "reversed_from", "reversed_at"])
    application.decision_released_at = None
    APPLICATION_FLOW.move(
        application,
        Status.IN_ASSESSMENT,
        by=by,
        action="imdi.assessment.dismissal_reversed",
        organisation=application.organisation,
        fields=["updated_at", "decision_released_at"],
        reason=reason,
    )
    return application


def decision_letter_opened(*, letter: DecisionLetter, by: User) -> None:
    """The first time a member of the organisation opens the letter, it has reached them: the
    appeal deadline runs from that day."""
    application = letter.decision.case
    if (
        letter.opened_on is None
        and not by.is_imdi_staff
        and application_access.can_view(by, application)
    ):
        DecisionLetter.objects.filter(pk=letter.pk, opened_on__isnull=True).update(
            opened_on=today_in_oslo()
        )


@transaction.atomic
def planned_year_continue(
    *, planned: PlannedYear, by: User, appropriation_confirmed: bool
) -> Grant:
    """Award the next year of a multi-year project (the grant is awarded one year at a time):
    the lead caseworker confirms the Storting's appropriation for the year and that the
    previous year's reports due so far are approved; the year's grant gets its own letter,
    acceptance and payment plan. It stays within the planned amount, which that year's frame
    already counts."""
    planned = (
        PlannedYear.objects.select_for_update()
        .select_related("grant__organisation", "grant__scheme_year__scheme")
        .get(pk=planned.pk)
    )
    previous = planned.grant
    decision = Decision.objects.select_related("application").get(grant=previous)
    require_actor(access.can_lead(by, decision.application))
    require(planned.continued_as_id is None, _("The year is already awarded."), code="stale")
    require(
        appropriation_confirmed,
        _("Confirm that the Storting's appropriation for %(year)s covers the grant.")
        % {"year": planned.year},
    )
    require(
        previous.status in (GrantStatus.ACCEPTED, GrantStatus.PAID, GrantStatus.CLOSED),
        _("The previous year's grant was not accepted."),
    )
    waiting = [
        report
        for report in previous.reports.exclude(status="approved")
        if report.due_date <= today_in_oslo()
    ]
    require(
        not waiting,
        _("The previous year's reports due so far must be approved first: %(reports)s.")
        % {"reports": ", ".join(str(r.get_kind_display()) for r in waiting)},
    )
    scheme_year = (
        SchemeYear.objects.select_for_update()
        .filter(scheme=previous.scheme_year.scheme, year=planned.year)
        .first()
    )
    require(
        scheme_year is not None,
        _("%(year)s is not configured yet; an administrator must set up the year first.")
        % {"year": planned.year},
    )
    organisation = previous.organisation
    grant = grant_create(
        case_number=f"{previous.case_number}-{planned.year}",
        organisation=organisation,
        scheme_year=scheme_year,
        amount=planned.amount,
        starts_on=dt.date(planned.year, 1, 1),
        ends_on=dt.date(planned.year, 12, 31),
        bank_account_number=organisation.bank_account_number or previous.bank_account_number,
        by=by,
    )
    payment_plan_set(grant=grant)
    planned.continued_as = grant
    planned.save(update_fields=["continued_as"])
    audit_log(
        subject=decision.application,
        action="imdi.assessment.year_continued",
        actor=by,
        organisation=organisation,
        data={"year": planned.year, "amount": str(planned.amount), "grant": grant.case_number},
    )
    grant_letter_issue(grant=grant, by=by)
    grant.refresh_from_db()
    return grant
