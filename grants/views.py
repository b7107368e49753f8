"""The grant's own URLs: one stable address per case, whatever the scheme."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST
from tablib import Dataset

from imdi_grants.audit.services import audit_log
from imdi_grants.lib.exports import FORMATS, dataset_response
from imdi_grants.lib.feedback import carry_out
from imdi_grants.lib.lists import NarrowPaginator
from imdi_grants.lib.workflow import DomainError
from schemes.models import SchemeCode, SchemeYear
from schemes.services import scheme_year_amend as scheme_year_amend_service

from . import selectors, services
from .access import get_letter_for_user, grants_visible_to, is_staff, may_see
from .forms import (
    AmendYearForm,
    BatchRejectForm,
    OpenDataFilter,
    PaymentFilter,
    PaymentProposeForm,
    ReactionProposeForm,
    ReactionRejectForm,
)
from .models import BatchStatus, Grant, PaymentBatch, Reaction, ReactionStatus
from .registry import scheme_parts
from .resources import PaymentResource


@login_required
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the visitor to the grant's case page in its scheme."""
    grant = (
        grants_visible_to(request.user).select_related("scheme_year__scheme").filter(pk=pk).first()
    )
    if grant is None or not may_see(request.user, grant):
        raise Http404
    try:
        parts = scheme_parts(scheme_code=grant.scheme_code)
    except LookupError:  # the scheme has no case page yet
        raise Http404 from None
    return redirect(parts.case_url(grant))


@login_required
def scheme_year_amend(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator amends a year's rate or acceptance window after its first letters:
    the page lists the letters and payments the change affects before anything is saved."""
    if not (request.user.is_authenticated and request.user.is_administrator):
        raise Http404
    scheme_year = get_object_or_404(SchemeYear.objects.select_related("scheme"), pk=pk)
    form = AmendYearForm(request.POST or None, scheme_year=scheme_year)
    affected = list(selectors.letters_affected_by_amendment(scheme_year_id=scheme_year.pk))
    if request.method == "POST" and form.is_valid() and "confirm" in request.POST:
        try:
            scheme_year_amend_service(
                scheme_year=scheme_year,
                by=request.user,
                values=form.changed_values(),
                reason=form.cleaned_data["reason"],
                affected=[f"{letter.grant.case_number} v{letter.version}" for letter in affected],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The year is amended; the audit trail names the letters."))
            return redirect("grants:scheme_year_amend", pk=pk)
    return render(
        request,
        "grants/scheme_year_amend.html",
        {"scheme_year": scheme_year, "form": form, "affected": affected},
    )


@login_required
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A grant letter's PDF, whatever the scheme, for those who may see the grant."""
    letter = get_letter_for_user(request.user, pk)
    if not letter.file:
        raise Http404
    audit_log(
        subject=letter,
        action="imdi.security.letter_downloaded",
        actor=request.user,
        organisation=letter.grant.organisation,
        data={"case_number": letter.grant.case_number, "version": letter.version},
    )
    case = letter.grant.case_number.replace("/", "-")
    return FileResponse(
        letter.file.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=f"tilskuddsbrev-{case}-v{letter.version}.pdf",
    )


@login_required
@require_POST
def letter_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """A signatory of the recipient accepts a grant letter; back to the grant's case page."""
    letter = get_letter_for_user(request.user, pk)
    carry_out(
        request,
        lambda: services.letter_accept(letter=letter, by=request.user),
        success=_("The grant letter is accepted."),
    )
    return redirect("grants:grant_detail", pk=letter.grant_id)


def _staff(request: HttpRequest) -> None:
    if not is_staff(request.user):
        raise Http404


def _approved_page(request: HttpRequest) -> dict:
    """The approved payment lists, newest first, 20 to a page."""
    page = Paginator(selectors.batch_rows(status=BatchStatus.APPROVED), 20).get_page(
        request.GET.get("page")
    )
    return {"approved": selectors.batch_totals(batches=list(page.object_list)), "page": page}


@login_required
def payments(request: HttpRequest) -> HttpResponse:
    """Both schemes' payments: the terms due, proposed as a payment list by one person and
    approved by another; the approved lists for the accounting system."""
    _staff(request)
    filter_form = PaymentFilter(request.GET or None)
    due = selectors.payments_due(user=request.user, **filter_form.filters())
    form = PaymentProposeForm(request.POST or None, due=due)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.payments_propose(
                payments=list(form.cleaned_data["payments"]),
                payment_date=form.cleaned_data["payment_date"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The payment list is proposed; a second person must approve it.")
            )
            return redirect(f"{reverse('grants:payments')}#batch-{batch.pk}")
    # The terms due, 50 to a page (``?terminer=``): a list is proposed from one page at a time.
    due_page = NarrowPaginator(due, 50).get_page(request.GET.get("terminer"))
    rows = list(due_page.object_list)
    held = services.payments_held_back(payments=rows)
    chosen = {
        str(v) for v in (request.POST.getlist("payments") if request.method == "POST" else [])
    }
    return render(
        request,
        "grants/payments.html",
        {
            "filter_form": filter_form,
            "form": form,
            "rows": [
                {"payment": p, "held": held.get(p.pk, []), "chosen": str(p.pk) in chosen}
                for p in rows
            ],
            "due_page": due_page,
            "proposed": selectors.batches(status=BatchStatus.PROPOSED),
            **_approved_page(request),
            "reject_form": BatchRejectForm(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def batch_approve(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    batch = get_object_or_404(PaymentBatch, pk=pk)
    carry_out(
        request,
        lambda: services.payment_batch_approve(batch=batch, by=request.user),
        success=_("The payment list is approved."),
    )
    return redirect("grants:payments")


@login_required
@require_POST
def batch_reject(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    batch = get_object_or_404(PaymentBatch, pk=pk)
    carry_out(
        request,
        lambda: services.payment_batch_reject(
            batch=batch, by=request.user, reason=request.POST.get("reason", "")
        ),
        success=_("The payment list is rejected; its terms are planned again."),
    )
    return redirect("grants:payments")


@login_required
def payments_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Approved payments of both schemes (or one, or one list) for the accounting system."""
    _staff(request)
    if fmt not in FORMATS:
        raise Http404
    batch = request.GET.get("batch", "")
    dataset = PaymentResource().export(
        selectors.payment_list(
            scheme_code=request.GET.get("scheme", "")
            if request.GET.get("scheme", "") in SchemeCode.values
            else None,
            batch=int(batch) if batch.isascii() and batch.isdigit() and len(batch) < 10 else None,
        )
    )
    audit_log(
        subject=request.user,
        action="imdi.security.payments_exported",
        actor=request.user,
        data={"format": fmt, "rows": len(dataset), "batch": batch},
    )
    return dataset_response(dataset, fmt=fmt, filename="utbetalingsliste")


def _visible_grant(request: HttpRequest, pk: int) -> Grant:
    grant = (
        grants_visible_to(request.user)
        .select_related("organisation", "scheme_year__scheme")
        .filter(pk=pk)
        .first()
    )
    if grant is None or not may_see(request.user, grant):
        raise Http404
    return grant


@login_required
def grant_money(request: HttpRequest, pk: int) -> HttpResponse:
    """The grant's money: its account (granted, paid, withheld, reclaimed, set off, repaid, owed),
    the terms, and the reactions to breaches; staff propose a withholding or a reclaim, and an
    administrator other than the proposer decides it."""
    grant = _visible_grant(request, pk)
    staff = is_staff(request.user)
    form = ReactionProposeForm(request.POST or None) if staff else None
    if request.method == "POST":
        if not staff:
            raise Http404
        if form.is_valid():
            try:
                services.reaction_propose(grant=grant, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("The reaction is proposed; an administrator decides it.")
                )
                return redirect("grants:grant_money", pk=pk)
    return render(
        request,
        "grants/grant_money.html",
        {
            "grant": grant,
            "ledger": services.grant_ledger(grant=grant),
            "payments": grant.payments.order_by("due_on"),
            # A proposal is internal until an administrator has decided it.
            "reactions": (
                grant.reactions.all()
                if staff
                else grant.reactions.filter(
                    status__in=[ReactionStatus.APPROVED, ReactionStatus.REVERSED]
                )
            ).select_related("proposed_by", "decided_by"),
            "repayments": grant.repayments.order_by("received_on"),
            "form": form,
            "reject_form": ReactionRejectForm(),
            "is_staff": staff,
            "closing_problems": services.grant_closing_problems(grant=grant) if staff else [],
            "closing_letter": getattr(grant, "closing_letter", None),
            "can_appeal": not staff and _reactions_appealable(grant),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _reactions_appealable(grant: Grant) -> bool:
    try:
        return scheme_parts(scheme_code=grant.scheme_code).reactions_appealable
    except LookupError:
        return False


@login_required
@require_POST
def reaction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    reaction = get_object_or_404(Reaction.objects.select_related("grant"), pk=pk)
    _visible_grant(request, reaction.grant_id)
    approve = request.POST.get("decision") == "approve"
    carry_out(
        request,
        lambda: services.reaction_decide(
            reaction=reaction,
            by=request.user,
            approve=approve,
            reason=request.POST.get("reason", ""),
        ),
        success=_("The reaction is decided; the letter is being made and sent.")
        if approve
        else _("The proposed reaction is rejected."),
    )
    return redirect("grants:grant_money", pk=reaction.grant_id)


@login_required
def reaction_letter(request: HttpRequest, pk: int) -> HttpResponse:
    reaction = get_object_or_404(Reaction, pk=pk)
    grant = _visible_grant(request, reaction.grant_id)
    if not reaction.file:
        raise Http404
    services.reaction_letter_opened(reaction=reaction, by=request.user)
    audit_log(
        subject=grant,
        action="imdi.security.reaction_letter_downloaded",
        actor=request.user,
        organisation=grant.organisation,
        data={"reaction": reaction.pk},
    )
    return FileResponse(
        reaction.file.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=f"{reaction.kind}-{grant.case_number.replace('/', '-')}.pdf",
    )


@login_required
@require_POST
def grant_close(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    grant = _visible_grant(request, pk)
    carry_out(
        request,
        lambda: services.grant_close(grant=grant, by=request.user),
        success=_("The grant is closed; the closing letter is being sent."),
    )
    return redirect("grants:grant_money", pk=pk)


@login_required
def closing_letter(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _visible_grant(request, pk)
    letter = getattr(grant, "closing_letter", None)
    if letter is None or not letter.file:
        raise Http404
    return FileResponse(
        letter.file.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=f"avslutning-{grant.case_number.replace('/', '-')}.pdf",
    )


#: The open data's fields, as documented on the page and in the JSON.
OPEN_DATA_FIELDS = (
    ("year", gettext_lazy("The grant year")),
    ("scheme", gettext_lazy("The scheme's code: reception or development")),
    ("scheme_name", gettext_lazy("The scheme's name")),
    ("case_number", gettext_lazy("IMDi's case number")),
    ("recipient", gettext_lazy("The municipality or county municipality that received the grant")),
    ("organisation_number", gettext_lazy("The recipient's organisation number (nine digits)")),
    (
        "focus_area",
        gettext_lazy(
            "The development grant's focus area, number and name (empty for the reception grant)"
        ),
    ),
    (
        "project_title",
        gettext_lazy("The development project's title (empty for the reception grant)"),
    ),
    ("amount", gettext_lazy("The amount granted for the year, in whole Norwegian kroner")),
)


@cache_control(public=True, max_age=3600)
def open_data(request: HttpRequest) -> HttpResponse:
    """Accepted grants, for anyone, without logging in: who received how much, for what, in
    which year. Nothing about refused applicants or about persons."""
    form = OpenDataFilter(request.GET or None, years=selectors.awarded_years())
    filters = form.filters()
    page = Paginator(selectors.awarded_grants(**filters), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "grants/open_data.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.open_data_rows(list(page.object_list)),
            "fields": OPEN_DATA_FIELDS,
            "filters": filters,
            "query": request.GET.urlencode(),
        },
    )


@cache_control(public=True, max_age=3600)
def open_data_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered open data as CSV (``;``) or JSON with its field descriptions."""
    filters = OpenDataFilter(request.GET or None, years=selectors.awarded_years()).filters()
    rows = selectors.open_data_rows(list(selectors.awarded_grants(**filters)))
    name = "tilskudd" + (f"-{filters['year']}" if filters["year"] else "")
    if fmt == "json":
        response = JsonResponse(
            {
                "publisher": "Integrerings- og mangfoldsdirektoratet (IMDi)",
                "licence": "NLOD 2.0",
                "fields": {key: str(text) for key, text in OPEN_DATA_FIELDS},
                "grants": [{**row, "amount": str(row["amount"])} for row in rows],
            },
            json_dumps_params={"ensure_ascii": False},
        )
        response["Content-Disposition"] = f'inline; filename="{name}.json"'
        return response
    dataset = Dataset(headers=[key for key, _text in OPEN_DATA_FIELDS])
    for row in rows:
        dataset.append([row[key] for key, _text in OPEN_DATA_FIELDS])
    return dataset_response(dataset, fmt=fmt, filename=name)
