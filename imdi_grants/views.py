"""The start page per role, the staff's page of pending work, and a health check. The start
pages compose every app."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from applications.appeals.selectors import APPEAL_WINDOW_DAYS, appealable_for
from applications.appeals.services import received_on
from applications.assessment.selectors import applications_to_score
from applications.development.selectors import applications_awaiting_signature
from applications.reception.selectors import offer_list as reception_offer_list
from grants.models import GrantLetter, LetterStatus, Reaction, ReactionKind, ReactionStatus
from imdi_grants.accounts.selectors import memberships_of
from imdi_grants.lib.deadlines import appeal_deadline, now_in_oslo, today_in_oslo
from imdi_grants.lib.pending import pending_overview, pending_retry
from imdi_grants.lib.unions import union_arm
from reporting.models import Report, ReportStatus
from reporting.selectors import reports_to_review
from schemes.models import ReportKind
from schemes.selectors import focus_areas_open_to, rounds_open, scheme_years_overview

from .forms import PendingRetryForm


@login_required
def pending_work(request: HttpRequest) -> HttpResponse:
    """Letters, receipts and e-mails that should have happened and have not, for staff; each kind
    or row can be sent again now (the sweepers would in a few minutes anyway)."""
    if not request.user.is_imdi_staff:
        raise Http404
    if request.method == "POST":
        form = PendingRetryForm(request.POST)
        if form.is_valid():
            sent = pending_retry(key=form.cleaned_data["kind"], pk=form.cleaned_data["row"])
            messages.success(request, _("Sent again: %(count)s.") % {"count": sent})
        else:
            messages.error(request, _("Nothing to send again."))
        return redirect("pending_work")
    return render(request, "pending_work.html", {"groups": pending_overview()})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What this person can do next, by role."""
    user = request.user
    context: dict = {"now": now_in_oslo()}
    if user.is_imdi_staff:
        context["rounds"] = rounds_open()
        context["reports_to_review"] = reports_to_review()[:20]
        context["to_score"] = applications_to_score(user=user)[:20]
        if user.is_administrator:
            context["scheme_years"] = scheme_years_overview()[:8]
        return render(request, "home_staff.html", context)
    memberships = list(memberships_of(user=user))
    rounds = list(rounds_open())
    offers_by_org: dict[int, list] = {}
    for offer in reception_offer_list(user=user).prefetch_related("grant__reports"):
        offers_by_org.setdefault(offer.organisation_id, []).append(offer)
    awaiting: dict[int, list] = {}
    for application in applications_awaiting_signature(user=user):
        awaiting.setdefault(application.organisation_id, []).append(application)
    context["organisations"] = [
        {
            "membership": membership,
            "organisation": membership.organisation,
            "reception_offers": offers_by_org.get(membership.organisation_id, []),
            "awaiting_signature": awaiting.get(membership.organisation_id, []),
            "rounds": [
                {
                    "scheme_year": scheme_year,
                    "areas": focus_areas_open_to(
                        scheme_year=scheme_year, organisation=membership.organisation
                    ),
                }
                for scheme_year in rounds
            ],
        }
        for membership in memberships
    ]
    deadlines = deadlines_for(user=user, first=HOME_DEADLINES + 1)
    context["deadlines"] = deadlines[:HOME_DEADLINES]
    context["more_deadlines"] = len(deadlines) > HOME_DEADLINES
    return render(request, "home_municipal.html", context)


#: The start page shows the soonest deadlines; the rest are a link away (``/frister/``).
HOME_DEADLINES = 10


@login_required
def deadlines(request: HttpRequest) -> HttpResponse:
    """Every deadline of the user's organisations, soonest first, 50 to a page."""
    if request.user.is_imdi_staff:
        return redirect("oversight:dashboard")
    page = Paginator(deadlines_for(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "deadlines.html", {"page": page, "deadlines": page.object_list})


def deadlines_for(*, user, first: int | None = None) -> list[dict]:
    """What the user's organisations must do by a date, across schemes, soonest first: grant
    letters to accept, reports to submit, reclaims to pay back, appeals still possible. Two
    queries, whatever the number of cases; with ``first``, only the soonest ``first``."""
    mine = {"grant__organisation__memberships__user": user}

    def part(qs: QuerySet, *, kind: str, due: str, target: str, detail: object = "") -> QuerySet:
        return union_arm(
            qs,
            o_kind=kind,
            o_due=F(due),
            o_target=F(target),
            o_case=F("grant__case_number"),
            o_detail=detail,
        )

    letters = part(
        GrantLetter.objects.filter(
            status=LetterStatus.AWAITING, acceptance_deadline__isnull=False, **mine
        ),
        kind="acceptance",
        due="acceptance_deadline",
        target="grant_id",
    )
    reports = part(
        Report.objects.filter(status__in=[ReportStatus.DUE, ReportStatus.RETURNED], **mine),
        kind="report",
        due="due_date",
        target="pk",
        detail=F("kind"),
    )
    reclaims = part(
        Reaction.objects.filter(
            kind=ReactionKind.RECLAIM, status=ReactionStatus.APPROVED, due_on__isnull=False, **mine
        ),
        kind="reclaim",
        due="due_on",
        target="grant_id",
    )
    # One query for the three (the soonest ``first`` of them).
    found = letters.union(reports, reclaims, all=True).order_by("o_due", "o_case")
    rows = []
    for row in found[:first] if first else found:
        case = row["o_case"]
        if row["o_kind"] == "acceptance":
            what = _("Accept the grant letter, case %(case)s") % {"case": case}
            link = reverse("grants:grant_detail", args=[row["o_target"]])
        elif row["o_kind"] == "report":
            what = _("%(report)s, case %(case)s") % {
                "report": ReportKind(row["o_detail"]).label,
                "case": case,
            }
            link = reverse("reporting:report_detail", args=[row["o_target"]])
        else:
            what = _("Pay back the reclaimed grant, case %(case)s") % {"case": case}
            link = reverse("grants:grant_money", args=[row["o_target"]])
        rows.append({"due": row["o_due"], "what": what, "link": link})
    today = today_in_oslo()
    appealable = appealable_for(user=user, sent_since=today - dt.timedelta(days=APPEAL_WINDOW_DAYS))
    for decision in appealable["dismissals"]:
        letter = decision.letter
        due = appeal_deadline(received_on(sent_on=letter.sent_on, opened_on=letter.opened_on))
        if due < today:
            continue  # the period has run out: no longer something to do by a date
        rows.append(
            {
                "due": due,
                "what": _("Appeal the dismissal of %(case)s, if you wish")
                % {"case": decision.case.case_number},
                "link": reverse("appeals:create") + f"?vedtak={decision.pk}",
            }
        )
    return sorted(rows, key=lambda row: row["due"])[:first]


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The database, Redis and the worker, each on its own: 503 when the database or Redis is
    down (the web container cannot serve), 200 with the worker's heartbeat reported otherwise (a
    stale worker delays letters and e-mails but the pages still work)."""
    import redis
    from django.conf import settings

    from imdi_grants.lib.cache import worker_heartbeat_status

    parts: dict[str, object] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        parts["database"] = "ok"
    except Exception:
        parts["database"] = "down"
    if settings.REDIS_URL:
        try:
            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
            )
            try:
                client.ping()
            finally:
                client.close()
            parts["redis"] = "ok"
        except redis.RedisError:
            parts["redis"] = "down"
    else:
        parts["redis"] = "not configured"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        parts["worker"] = {"status": "eager", "last": None}  # tasks run in the web process
    else:
        parts["worker"] = worker_heartbeat_status()
    healthy = parts["database"] == "ok" and parts["redis"] != "down"
    parts["status"] = "ok" if healthy else "down"
    return JsonResponse(parts, status=200 if healthy else 503)
