from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Membership, Organisation, User


def organisation_list(*, search: str = "") -> QuerySet[Organisation]:
    """Organisations for IMDi staff, with their member count in the same query."""
    qs = Organisation.objects.annotate(member_count=Count("memberships"))
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(municipality_number__startswith=search)
            | Q(organisation_number__startswith=search)
        )
    return qs.order_by("name")


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__email")


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return user.memberships.select_related("organisation").order_by("organisation__name")
