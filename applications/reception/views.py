from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from imdi_grants.audit.selectors import audit_entries_for
from imdi_grants.lib.deadlines import is_before_deadline
from reporting.selectors import reports_for_grant

from . import access, selectors, services
from .forms import (
    AcceptanceLetterForm,
    AgreementForm,
    ChangeRequestForm,
    DecisionForm,
    OfferForm,
    PartnershipAgreementForm,
    PaymentApproveForm,
    PlaceCountForm,
    ReasonForm,
    RepaymentForm,
)
from .models import AcceptanceLetter, ChangeRequest, ChangeRequestStatus, GrantStatus
from .resources import PaymentResource


def _staff_only(request: HttpRequest) -> None:
    if not access.can_manage(request.user):
        raise Http404


def _refused(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, str(exc))


@login_required
def grant_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year")
    grants = selectors.grant_list(
        user=request.user, year=int(year) if year and year.isdigit() else None
    )
    return render(
        request,
        "reception/grant_list.html",
        {"grants": grants, "can_manage": access.can_manage(request.user), "year": year},
    )


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agreement = services.agreement_register(by=request.user, **form.cleaned_data)
        messages.success(request, _("The agreement is registered."))
        return redirect("reception:agreement_detail", pk=agreement.pk)
    return render(
        request,
        "reception/agreement_list.html",
        {"agreements": selectors.agreement_list(), "form": form},
    )


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = access.get_agreement_for_staff(request.user, pk)
    places_form = PlaceCountForm(
        request.POST if "places-places" in request.POST else None, prefix="places"
    )
    partnership_form = PartnershipAgreementForm(
        request.POST if "partner-responsibilities" in request.POST else None,
        request.FILES if "partner-responsibilities" in request.POST else None,
        prefix="partner",
    )
    if request.method == "POST":
        if places_form.is_bound and places_form.is_valid():
            services.place_count_set(
                agreement=agreement, by=request.user, **places_form.cleaned_data
            )
            messages.success(request, _("The number of places is recorded."))
            return redirect("reception:agreement_detail", pk=pk)
        if partnership_form.is_bound and partnership_form.is_valid():
            services.partnership_agreement_register(
                organisation=agreement.organisation,
                by=request.user,
                **partnership_form.cleaned_data,
            )
            messages.success(request, _("The partnership agreement is registered."))
            return redirect("reception:agreement_detail", pk=pk)
    return render(
        request,
        "reception/agreement_detail.html",
        {
            "agreement": agreement,
            "place_counts": agreement.place_counts.order_by("valid_from"),
            "partnerships": agreement.organisation.partnership_agreements.all(),
            "places_form": places_form,
            "partnership_form": partnership_form,
        },
    )


@login_required
def partnership_document(request: HttpRequest, pk: int) -> FileResponse:
    partnership = access.get_partnership_for_user(request.user, pk)
    return FileResponse(partnership.document.open("rb"), content_type="application/pdf")


@login_required
def offer(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scheme_year = form.cleaned_data["scheme_year"]
        organisation = form.cleaned_data["organisation"]
        if organisation:
            try:
                grant = services.grant_offer(
                    organisation=organisation, scheme_year=scheme_year, by=request.user
                )
            except services.GrantError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("The offer is sent to %(org)s.") % {"org": organisation}
                )
                return redirect("reception:grant_detail", pk=grant.pk)
        else:
            offered, refused = services.grant_offer_all(scheme_year=scheme_year, by=request.user)
            messages.success(
                request, _("Offers sent to %(count)s municipalities.") % {"count": len(offered)}
            )
            for reason in refused.values():
                messages.warning(request, reason)
            return redirect("reception:grant_list")
    return render(request, "reception/offer.html", {"form": form})


@login_required
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.get_grant_for_user(request.user, pk)
    user = request.user
    return render(
        request,
        "reception/grant_detail.html",
        {
            "grant": grant,
            "lines": services.grant_breakdown(grant=grant),
            "letters": selectors.grant_letters(grant=grant),
            "acceptance_letter": AcceptanceLetter.objects.filter(grant=grant).first(),
            "change_requests": grant.change_requests.select_related("requested_by"),
            "reports": reports_for_grant(grant=grant),
            "events": audit_entries_for(subject=grant),
            "payment": getattr(grant, "payment", None),
            "repayments": grant.repayments.all(),
            "partnership": services.valid_partnership_agreement(
                organisation=grant.organisation, year=grant.scheme_year.year
            ),
            "can_manage": access.can_manage(user),
            "can_sign": access.can_sign(user, grant),
            "can_fill": access.can_fill_acceptance_letter(user, grant),
            "can_accept": access.can_sign(user, grant)
            and grant.status == GrantStatus.LETTER_ISSUED
            and is_before_deadline(grant.acceptance_deadline),
            "Status": GrantStatus,
            "reason_form": ReasonForm(),
            "decision_form": DecisionForm(),
            "repayment_form": RepaymentForm(),
        },
    )


@login_required
def acceptance_letter(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.get_grant_for_user(request.user, pk)
    if not access.can_fill_acceptance_letter(request.user, grant):
        raise PermissionDenied
    if grant.status != GrantStatus.OFFERED:
        messages.info(request, _("The acceptance letter has already been submitted."))
        return redirect("reception:grant_detail", pk=pk)
    form = AcceptanceLetterForm(
        request.POST or None, initial=services.acceptance_letter_initial(grant=grant)
    )
    if request.method == "POST" and form.is_valid():
        try:
            if "submit" in request.POST:
                services.acceptance_letter_submit(
                    grant=grant, by=request.user, fields=form.cleaned_data
                )
                messages.success(request, _("The acceptance letter is submitted to IMDi."))
            else:
                services.acceptance_letter_save(
                    grant=grant, by=request.user, fields=form.cleaned_data
                )
                messages.success(request, _("The acceptance letter is saved."))
        except services.GrantError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("reception:grant_detail", pk=pk)
    return render(
        request,
        "reception/acceptance_letter.html",
        {"grant": grant, "form": form, "can_sign": access.can_sign(request.user, grant)},
    )


def _transition(request: HttpRequest, pk: int, action) -> HttpResponse:
    grant = access.get_grant_for_user(request.user, pk)
    try:
        action(grant)
    except (services.GrantError, ValidationError) as exc:
        _refused(request, exc)
    return redirect("reception:grant_detail", pk=grant.pk)


@login_required
@require_POST
def letter_issue(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)

    def issue(grant):
        services.grant_letter_issue(grant=grant, by=request.user)
        messages.success(request, _("The grant letter is issued; the PDF is being made."))

    return _transition(request, pk, issue)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    def do_accept(grant):
        services.grant_accept(grant=grant, by=request.user)
        messages.success(request, _("The grant is accepted. Thank you."))

    return _transition(request, pk, do_accept)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    form = ReasonForm(request.POST)

    def do_reopen(grant):
        services.grant_reopen(grant=grant, by=request.user, reason=form.data.get("reason", ""))
        messages.success(request, _("The grant is reopened with a new acceptance deadline."))

    return _transition(request, pk, do_reopen)


@login_required
def change_request(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.get_grant_for_user(request.user, pk)
    if not access.can_sign(request.user, grant):
        raise PermissionDenied
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_request_submit(grant=grant, by=request.user, **form.cleaned_data)
        except services.GrantError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The change request is sent to IMDi."))
            return redirect("reception:grant_detail", pk=pk)
    return render(request, "reception/change_request.html", {"grant": grant, "form": form})


@login_required
@require_POST
def change_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    change = get_object_or_404(ChangeRequest, pk=pk, status=ChangeRequestStatus.PENDING)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.change_request_decide(
                change_request=change,
                by=request.user,
                approve=form.cleaned_data["approve"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("The change request is decided."))
        except services.GrantError as exc:
            _refused(request, exc)
    else:
        messages.error(request, _("Choose approve or refuse."))
    return redirect("reception:grant_detail", pk=change.grant_id)


@login_required
@require_POST
def repayment(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    form = RepaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in amount, date and reason for the repayment."))
        return redirect("reception:grant_detail", pk=pk)

    def record(grant):
        services.repayment_record(grant=grant, by=request.user, **form.cleaned_data)
        messages.success(request, _("The repayment is recorded."))

    return _transition(request, pk, record)


@login_required
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = access.get_letter_for_user(request.user, pk)
    if not letter.file:
        raise Http404
    case = letter.grant.case_number.replace("/", "-")
    return FileResponse(
        letter.file.open("rb"),
        content_type="application/pdf",
        filename=f"tilskuddsbrev-{case}-v{letter.version}.pdf",
    )


@login_required
def payments(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    payable = services.grants_payable().select_related("organisation")
    form = PaymentApproveForm(request.POST or None, payable=payable)
    if request.method == "POST" and form.is_valid():
        try:
            approved = services.payments_approve(
                grants=list(form.cleaned_data["grants"]),
                payment_date=form.cleaned_data["payment_date"],
                by=request.user,
            )
        except services.GrantError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(count)s payments approved.") % {"count": len(approved)})
            return redirect("reception:payments")
    return render(
        request,
        "reception/payments.html",
        {"form": form, "payments": selectors.payment_list(), "payable": payable},
    )


@login_required
def payments_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _staff_only(request)
    dataset = PaymentResource().export(selectors.payment_list())
    if fmt == "csv":
        response = HttpResponse(dataset.csv, content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            dataset.xlsx,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="utbetalingsliste.{fmt}"'
    return response
