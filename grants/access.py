"""Who may see and do what with a grant, whatever its scheme. Outsiders get 404.

The rules take ``(user, grant)`` so that they can stand in a workflow's transition table as well
as in a view; ``user`` is None for the portal itself (a beat job).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from imdi_grants.accounts.access import is_signatory
from imdi_grants.accounts.models import User

from .models import Grant, GrantLetter


def is_staff(user: User | None, grant: object = None) -> bool:
    """IMDi caseworkers and administrators run the schemes."""
    return user is not None and user.is_authenticated and user.is_imdi_staff


def is_second_administrator(user: User | None, reaction: object) -> bool:
    """Decide a reaction to a breach: an administrator who did not propose it (four eyes)."""
    return (
        is_staff(user)
        and user.is_administrator
        and getattr(reaction, "proposed_by_id", None) != user.pk
    )


def can_sign(user: User | None, grant: Grant) -> bool:
    """Accept the grant letter, request a change: a signatory of the recipient."""
    return user is not None and is_signatory(user, grant.organisation)


def can_sign_letter(user: User | None, letter: GrantLetter) -> bool:
    return can_sign(user, letter.grant)


def grants_visible_to(user: User) -> QuerySet[Grant]:
    """The recipient's users see its grants; staff see every grant except those of cases in
    which they declared a conflict of interest (``registry.staff_conflicts``), so no list, count
    or export shows them those cases either."""
    return restrict_to_visible_grants(Grant.objects.all(), user, via="")


def restrict_to_visible_grants(rows: QuerySet, user: User, *, via: str = "grant") -> QuerySet:
    """``rows`` (grants, or payments, reports … whose grant is the field ``via``) narrowed to
    the grants ``user`` may see, by the rows' own grant column: a list of payments need not
    join every grant to learn which ones to leave out."""
    from .registry import staff_conflicted_grants

    if not user.is_authenticated:
        return rows.none()
    column = f"{via}__" if via else ""
    if user.is_imdi_staff:
        for conflicted in staff_conflicted_grants(user):
            rows = rows.exclude(**{f"{via or 'pk'}__in": conflicted})
        return rows
    return rows.filter(**{f"{column}organisation__memberships__user": user})


def may_see(user: User, grant: Grant) -> bool:
    """The grant is visible to ``user``, and the scheme's own rule (if any) lets them in."""
    from .registry import scheme_parts

    if not grants_visible_to(user).filter(pk=grant.pk).exists():
        return False
    try:
        rule = scheme_parts(scheme_code=grant.scheme_code).may_see
    except LookupError:
        return True
    return rule is None or rule(user, grant)


def get_letter_for_user(user: User, pk: int) -> GrantLetter:
    letter = GrantLetter.objects.select_related("grant__scheme_year__scheme").filter(pk=pk).first()
    if letter is None or not may_see(user, letter.grant):
        raise Http404
    return letter
