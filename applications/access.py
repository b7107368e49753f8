"""Who may see and do what with development-grant applications. Every view asks here.

Outsiders get 404, not 403, so that nobody can learn which applications exist.
"""

from __future__ import annotations

from django.http import Http404

from imdi_grants.accounts.access import is_member, is_signatory
from imdi_grants.accounts.models import Membership, User

from .models import Application, Status
from .selectors import application_with_details


def can_view(user: User, application: Application) -> bool:
    """Members of the responsible organisation and of partner organisations, and IMDi staff."""
    if not user.is_authenticated:
        return False
    if user.is_imdi_staff:
        return True
    organisation_ids = {application.organisation_id} | {
        partner.pk for partner in application.partners.all()
    }
    return Membership.objects.filter(user=user, organisation_id__in=organisation_ids).exists()


def can_edit(user: User, application: Application) -> bool:
    """Members of the organisation with project responsibility, while it is a draft; partners
    read only."""
    return application.status == Status.DRAFT and is_member(user, application.organisation)


def can_submit(user: User, application: Application) -> bool:
    """A signatory (director or employee with authority) of the responsible organisation."""
    return application.status == Status.DRAFT and is_signatory(user, application.organisation)


def can_reopen(user: User, application: Application) -> bool:
    return (
        user.is_authenticated
        and (user.is_caseworker or user.is_administrator)
        and application.status == Status.SUBMITTED
    )


def get_application_for_user(user: User, pk: int) -> Application:
    application = application_with_details(pk=pk)
    if application is None or not can_view(user, application):
        raise Http404
    return application
