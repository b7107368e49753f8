"""Who may see and do what with development-grant applications. Every view asks here, and the
services ask the same predicates about their ``by``, so a command or a beat job is held to the
same rules as a page.

Outsiders get 404, not 403, so that nobody can learn which applications exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from imdi_grants.accounts.access import is_member, is_signatory
from imdi_grants.accounts.models import Membership, Organisation, User

from .models import Application, ImpartialityDeclaration, Status
from .selectors import application_with_details


class DeclarationNeeded(Exception):
    """A member of staff opened a case without having declared their impartiality on it."""

    def __init__(self, application_pk: int) -> None:
        super().__init__(application_pk)
        self.application_pk = application_pk


class Clearance:
    """A member of staff's standing on a case: impartiality (habilitet, fvl § 6)."""

    CLEAR = "clear"
    UNDECLARED = "undeclared"
    CONFLICT = "conflict"


def _person(user: User | None) -> bool:
    return user is not None and user.is_authenticated


def is_applicant(user: User | None, organisation: Organisation) -> bool:
    """A member of the organisation, any role: may start, fill in and hand over its drafts."""
    return _person(user) and is_member(user, organisation)


def is_responsible_member(user: User | None, application: Application) -> bool:
    """A member of the organisation with project responsibility; partners read only."""
    return is_applicant(user, application.organisation)


def is_responsible_signatory(user: User | None, application: Application) -> bool:
    """A signatory (director or employee with authority) of the responsible organisation."""
    return _person(user) and is_signatory(user, application.organisation)


def is_imdi_staff(user: User | None, application: Application) -> bool:
    return _person(user) and user.is_imdi_staff


def staff_clearance(user: User, application: Application) -> str:
    """Whether a member of staff has declared no conflict of interest with this case."""
    has_conflict = (
        ImpartialityDeclaration.objects.filter(application=application, user=user)
        .values_list("has_conflict", flat=True)
        .first()
    )
    if has_conflict is None:
        return Clearance.UNDECLARED
    return Clearance.CONFLICT if has_conflict else Clearance.CLEAR


def is_impartial(user: User | None, application: Application) -> bool:
    """IMDi staff who have declared no conflict of interest with the case: only they may see
    its content, score it, decide it or open its files."""
    return (
        is_imdi_staff(user, application) and staff_clearance(user, application) == Clearance.CLEAR
    )


def can_declare(user: User | None, application: Application) -> bool:
    return is_imdi_staff(user, application) and application.case_number is not None


def can_view(user: User, application: Application) -> bool:
    """Members of the responsible organisation and of partner organisations; IMDi staff once it
    has been submitted (a draft never sent is the municipality's own) and they have declared
    no conflict of interest."""
    if not _person(user):
        return False
    if user.is_imdi_staff:
        return application.case_number is not None and is_impartial(user, application)
    organisation_ids = {application.organisation_id} | {
        partner.pk for partner in application.partners.all()
    }
    return Membership.objects.filter(user=user, organisation_id__in=organisation_ids).exists()


def can_edit(user: User, application: Application) -> bool:
    return application.status == Status.DRAFT and is_responsible_member(user, application)


def can_submit(user: User, application: Application) -> bool:
    return application.status == Status.DRAFT and is_responsible_signatory(user, application)


def can_reopen(user: User, application: Application) -> bool:
    return application.status == Status.SUBMITTED and is_impartial(user, application)


def can_decide(user: User | None, application: Application) -> bool:
    """Award or refuse: the lead caseworker (or an administrator), without a conflict."""
    return is_impartial(user, application) and user.is_lead_caseworker


def get_application_for_user(user: User, pk: int) -> Application:
    """The application, if ``user`` may see it. Outsiders get 404. Staff who have not declared
    their impartiality are sent to declare it (``DeclarationNeeded``, see ``impartiality_gate``);
    staff with a declared conflict are refused."""
    application = application_with_details(pk=pk)
    if application is None:
        raise Http404
    if _person(user) and user.is_imdi_staff and application.case_number is not None:
        clearance = staff_clearance(user, application)
        if clearance == Clearance.CONFLICT:
            raise PermissionDenied(
                _("You have declared a conflict of interest in this case and cannot open it.")
            )
        if clearance == Clearance.UNDECLARED:
            raise DeclarationNeeded(application.pk)
        return application
    if not can_view(user, application):
        raise Http404
    return application


def impartiality_gate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send a member of staff who opens a case without a declaration to the declaration page,
    and back here once it is made."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DeclarationNeeded as needed:
            response = redirect("development:impartiality", pk=needed.application_pk)
            if request.method == "GET":
                response["Location"] += "?" + urlencode({"next": request.get_full_path()})
            return response

    return wrapped
