"""Who may do what in the assessment. Every rule asks the development app's impartiality rule
first: a member of staff with a declared conflict of interest does nothing on the case."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from applications.development import access as application_access
from applications.development.models import Application, ImpartialityDeclaration
from imdi_grants.accounts.models import User

from .models import Assignment, Decision


def is_staff(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_imdi_staff


def is_lead(user: User | None, obj: object = None) -> bool:
    """The lead caseworker (or an administrator): allocates work, agrees scores, decides."""
    return is_staff(user) and user.is_lead_caseworker


def is_administrator(user: User | None) -> bool:
    return is_staff(user) and user.is_administrator


def can_lead(user: User | None, application: Application) -> bool:
    return is_lead(user) and application_access.is_impartial(user, application)


def can_allocate(user: User | None, application: Application) -> bool:
    """Assign assessors: the lead, unless they declared a conflict in the case. Allocating work
    shows nothing of the case, so it needs no declaration first (bulk assignment from the
    queue)."""
    return is_lead(user) and application_access.staff_clearance(user, application) != (
        application_access.Clearance.CONFLICT
    )


def is_assessor(user: User | None, application: Application) -> bool:
    return (
        is_staff(user)
        and Assignment.objects.filter(application=application, assessor=user).exists()
    )


def can_score(user: User | None, application: Application) -> bool:
    """An assigned assessor without a conflict of interest scores the application."""
    return is_assessor(user, application) and application_access.is_impartial(user, application)


def not_conflicted(qs: QuerySet[Application], user: User) -> QuerySet[Application]:
    """Leave out the cases where ``user`` has declared a conflict of interest: they are out of
    those cases everywhere, the queue included."""
    return qs.exclude(
        Exists(
            ImpartialityDeclaration.objects.filter(
                application=OuterRef("pk"), user=user, has_conflict=True
            )
        )
    )


def may_see_grant(user: User, grant: object) -> bool:
    """A development grant's case and letters: staff only without a conflict of interest. Staff
    who have not yet declared are sent to declare first (``DeclarationNeeded``, turned into a
    redirect by ``ImpartialityMiddleware``)."""
    if not is_staff(user):
        return True
    decision = (
        Decision.objects.select_related("application").filter(grant=grant).first()
        or Decision.objects.select_related("application")
        .filter(grant__planned_years__continued_as=grant)
        .first()
    )
    if decision is None:
        return True
    clearance = application_access.staff_clearance(user, decision.application)
    if clearance == application_access.Clearance.UNDECLARED:
        raise application_access.DeclarationNeeded(decision.application_id)
    return clearance == application_access.Clearance.CLEAR


def conflicted_grant_ids(user: User) -> tuple:
    """The grants of the cases in which ``user`` declared a conflict of interest, as two
    subqueries of ids (a project's first year; its later years), read from the declarations
    outwards, so that excluding them costs an index lookup, not a pass over every grant."""
    from grants.models import PlannedYear

    conflicted = ImpartialityDeclaration.objects.filter(user=user, has_conflict=True).values(
        "application"
    )
    first_years = Decision.objects.filter(application__in=conflicted, grant__isnull=False).values(
        "grant"
    )
    later_years = PlannedYear.objects.filter(
        grant__decision__application__in=conflicted, continued_as__isnull=False
    ).values("continued_as")
    return first_years, later_years
