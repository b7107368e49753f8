"""Who may see and do what with development-grant applications. Every view asks here, and the
services ask the same predicates about their ``by``, so a command or a beat job is held to the
same rules as a page.

Outsiders get 404, not 403, so that nobody can learn which applications exist.
"""

from __future__ import annotations

from django.http import Http404

from imdi_grants.accounts.access import is_member, is_signatory
from imdi_grants.accounts.models import Membership, Organisation, User

from .models import Application, Status
from .selectors import application_with_details


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


def can_view(user: User, application: Application) -> bool:
    """Members of the responsible organisation and of partner organisations; IMDi staff once it
    has been submitted (a draft never sent is the municipality's own)."""
    if not _person(user):
        return False
    if user.is_imdi_staff:
        return application.case_number is not None
    organisation_ids = {application.organisation_id} | {
        partner.pk for partner in application.partners.all()
    }
    return Membership.objects.filter(user=user, organisation_id__in=organisation_ids).exists()


def can_edit(user: User, application: Application) -> bool:
    return application.status == Status.DRAFT and is_responsible_member(user, application)


def can_submit(user: User, application: Application) -> bool:
    return application.status == Status.DRAFT and is_responsible_signatory(user, application)


def can_reopen(user: User, application: Application) -> bool:
    return application.status == Status.SUBMITTED and is_imdi_staff(user, application)


def get_application_for_user(user: User, pk: int) -> Application:
    application = application_with_details(pk=pk)
    if application is None or not can_view(user, application):
        raise Http404
    return application
