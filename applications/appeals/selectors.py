"""Reads of appeals."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from applications.assessment.models import Decision, DecisionKind
from grants.models import Reaction, ReactionStatus
from imdi_grants.accounts.models import Organisation, User

from .models import Appeal, AppealLetter


def appeals_for(*, user: User, status: str = "", late: bool = False) -> QuerySet[Appeal]:
    """Every appeal for staff; an organisation's users see their organisations' appeals."""
    qs = Appeal.objects.select_related(
        "organisation", "decision__application", "decision__reversed_from", "reaction__grant"
    )
    if not user.is_imdi_staff:
        qs = qs.filter(organisation__in=Organisation.objects.filter(memberships__user=user))
    if status:
        qs = qs.filter(status=status)
    if late:
        qs = qs.filter(is_late=True)
    return qs.order_by("-lodged_at", "-pk")


#: A decision letter sent longer ago than this cannot have an appeal period still running
#: (7 days' assumed delivery, three weeks, and a few holidays).
APPEAL_WINDOW_DAYS = 40


def appealable_for(*, user: User, sent_since: dt.date | None = None) -> dict[str, QuerySet]:
    """The decisions the user's organisations may appeal: dismissals and decided reactions of
    the development grant whose letters are sent and that are not already under appeal; with
    ``sent_since``, only those whose letter was sent on or after that day. Each is read when
    first used (the start page's deadlines use only the dismissals)."""
    organisations = Organisation.objects.filter(memberships__user=user)
    since = {} if sent_since is None else {"sent_on__gte": sent_since}
    open_appeals = Q(appeals__status__in=["lodged", "forwarded"])
    dismissals = (
        Decision.objects.filter(
            kind=DecisionKind.DISMISSAL,
            application__organisation__in=organisations,
            letter__sent_on__isnull=False,
            **{f"letter__{k}": v for k, v in since.items()},
        )
        .exclude(open_appeals)
        .select_related("application", "letter")
        .only(
            "kind",
            "reversed_from_id",
            "application__case_number",
            "application__title",
            "letter__sent_on",
            "letter__opened_on",
        )
    )
    reactions = (
        Reaction.objects.filter(
            status=ReactionStatus.APPROVED,
            grant__organisation__in=organisations,
            grant__scheme_year__scheme__code="development",
            sent_on__isnull=False,
            **since,
        )
        .exclude(open_appeals)
        .select_related("grant")
        .only("kind", "status", "sent_on", "opened_on", "grant__case_number")
    )
    return {"dismissals": dismissals, "reactions": reactions}


def appeals_keeping_open(*, grant) -> list[str]:
    """A grant with an appeal being handled (against one of its reactions) stays open."""
    if Appeal.objects.filter(reaction__grant=grant, status__in=["lodged", "forwarded"]).exists():
        return [_("An appeal is being handled.")]
    return []


def appeal_letters_stuck(*, before: dt.datetime) -> QuerySet[AppealLetter]:
    """Reversal and forwarding letters made before ``before`` and still not sent or rendered."""
    return (
        AppealLetter.objects.filter(created_at__lt=before)
        .filter(Q(rendered_at__isnull=True) | Q(sent_on__isnull=True))
        .select_related("appeal__organisation")
    )
