"""Reads of development-grant applications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext

from imdi_grants.accounts.models import Membership, MembershipRole, Organisation, User
from imdi_grants.lib.money import format_nok

from .models import Application, BudgetLine, EarlierProject, FundingYear, Status
from .steps import STEPS


def applications_for_user(
    *, user: User, q: str = "", organisation_id: int | None = None, year: int | None = None
) -> QuerySet[Application]:
    """Applications of the organisations a person acts for, as applicant or partner, with what
    a list shows loaded in the same query; filtered by a search in the title or case number,
    one of the person's organisations, and the round's year."""
    organisations = Organisation.objects.filter(memberships__user=user)
    if organisation_id:
        organisations = organisations.filter(pk=organisation_id)
    mine = Application.objects.filter(
        Q(organisation__in=organisations) | Q(partners__in=organisations)
    ).values("pk")
    qs = Application.objects.filter(pk__in=mine)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(case_number__icontains=q))
    if year:
        qs = qs.filter(scheme_year__year=year)
    return qs.select_related("organisation", "focus_area", "scheme_year__scheme").order_by(
        "-created_at", "-pk"
    )


def organisation_has_signatory(*, organisation: Organisation) -> bool:
    """Whether someone can approve and submit the organisation's applications."""
    return Membership.objects.filter(
        organisation=organisation, role=MembershipRole.SIGNATORY
    ).exists()


def application_with_details(*, pk: int) -> Application | None:
    """One application with everything the pages and the checklist read."""
    return (
        Application.objects.select_related(
            "organisation",
            "focus_area",
            "scheme_year__scheme",
            "created_by",
            "submitted_by",
            "handed_over_by",
        )
        .prefetch_related(
            "partners",
            Prefetch("funding_years", queryset=FundingYear.objects.order_by("year_number")),
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("year_number", "pk")),
            Prefetch("earlier_projects", queryset=EarlierProject.objects.order_by("-year", "pk")),
            "attachments",
            "receipts",
        )
        .filter(pk=pk)
        .first()
    )


def application_for_receipt(*, pk: int) -> Application:
    application = application_with_details(pk=pk)
    if application is None:
        raise Application.DoesNotExist(pk)
    return application


def budget_years(*, application: Application) -> list[dict]:
    """Per project year: funding, cost lines and totals, for showing the budget."""
    funding = {row.year_number: row for row in application.funding_years.all()}
    years = sorted(
        set(funding)
        | {line.year_number for line in application.budget_lines.all()}
        | set(range(1, (application.project_years or 0) + 1))
    )
    result = []
    for year in years:
        lines = [line for line in application.budget_lines.all() if line.year_number == year]
        row = funding.get(year)
        result.append(
            {
                "number": year,
                "lines": lines,
                "costs": sum((line.amount for line in lines), 0),
                "funding": row,
            }
        )
    return result


def _display(application: Application, name: str) -> str:
    model_field = Application._meta.get_field(name)
    value = getattr(application, name)
    if value is None or value == "":
        return "–"
    if model_field.choices:
        return str(getattr(application, f"get_{name}_display")())
    if isinstance(value, bool):
        return str(gettext("Yes") if value else gettext("No"))
    if isinstance(value, Decimal):
        return format_nok(value)
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return str(value)


def application_summary(*, application: Application) -> list[dict]:
    """The application as sections of (label, value) rows, one per step of the form with the
    fields it declares for the application's focus area, for the review page and the receipt,
    in the active language."""
    kind = application.focus_area.kind
    sections = []
    for step in STEPS:
        rows = [
            {
                "label": capfirst(str(Application._meta.get_field(name).verbose_name)),
                "value": _display(application, name),
            }
            for name in step.field_names(kind)
        ]
        if step.summary_title and rows:
            sections.append({"title": step.summary_title, "rows": rows})
    return sections


def applications_awaiting_signature(*, user: User) -> QuerySet[Application]:
    """Drafts handed over to the signatories of the organisations where ``user`` is one: the
    signatory's to-do on the start page."""
    return (
        Application.objects.filter(
            status=Status.DRAFT,
            handed_over_at__isnull=False,
            organisation__memberships__user=user,
            organisation__memberships__role=MembershipRole.SIGNATORY,
        )
        .select_related("organisation", "scheme_year")
        .order_by("handed_over_at")
    )


def receipts_stuck(*, before: dt.datetime) -> QuerySet[Application]:
    """Applications submitted before ``before`` whose receipt for the latest submission is not
    yet made and e-mailed (``receipt_version`` behind ``submission_count``: a partial index,
    not a look for each submission's receipt)."""
    return (
        Application.objects.exclude(status=Status.DRAFT)
        .filter(submission_count__gt=F("receipt_version"), submitted_at__lt=before)
        .select_related("organisation")
    )


def round_years() -> list[int]:
    """The years of the development grant's rounds, newest first (for a list's year filter)."""
    from schemes.models import SchemeCode, SchemeYear

    return list(
        SchemeYear.objects.filter(scheme__code=SchemeCode.DEVELOPMENT)
        .order_by("-year")
        .values_list("year", flat=True)
    )
