from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants import selectors as grant_selectors
from grants import services as grant_services
from grants.access import get_letter_for_user
from grants.models import PAID_STATUSES, GrantLetter, GrantStatus, LetterStatus
from imdi_grants.audit.selectors import audit_entries_for
from imdi_grants.lib.deadlines import is_before_deadline
from imdi_grants.lib.lists import list_export, list_page
from imdi_grants.lib.uploads import CONTENT_TYPES, file_response, scan_feedback
from imdi_grants.lib.workflow import DomainError

from . import access, selectors, services
from .forms import (
    AcceptanceLetterForm,
    AgreementForm,
    ChangeRequestForm,
    DecisionForm,
    ListFilter,
    OfferForm,
    PartnershipAgreementForm,
    PlaceCountForm,
    ReasonForm,
    RepaymentForm,
)
from .models import AcceptanceLetter, ChangeRequest, ChangeRequestStatus


def _staff_only(request: HttpRequest) -> None:
    if not access.can_manage(request.user):
        raise Http404


def _refused(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, str(exc))


@login_required
def grant_list(request: HttpRequest) -> HttpResponse:
    """The offers and grants the person may see, searchable and by year, 50 to a page, and the
    same rows as CSV or XLSX."""
    form = ListFilter(
        request.GET or None, years=list(selectors.reception_years().values_list("year", flat=True))
    )
    offers = selectors.offer_list(user=request.user, **form.filters())
    export = list_export(
        request,
        offers,
        headers=["saksnummer", "kommune", "år", "status", "aksepteres_innen", "beløp"],
        row=lambda o: [
            o.case_number,
            o.organisation.name,
            o.scheme_year.year,
            str(o.status_display),
            o.grant.acceptance_deadline if o.grant and o.grant.acceptance_deadline else "",
            o.grant.amount if o.grant else o.amount,
        ],
        filename="integreringsmottak",
    )
    if export:
        return export
    return render(
        request,
        "reception/grant_list.html",
        {
            **list_page(request, offers),
            "form": form,
            "can_manage": access.can_manage(request.user),
        },
    )


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_register(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The agreement is registered."))
            return redirect("reception:agreement_detail", pk=agreement.pk)
    filter_form = ListFilter(request.GET or None, years=None)
    agreements = selectors.agreement_list(q=filter_form.filters()["q"])
    export = list_export(
        request,
        agreements,
        headers=["kommune", "kommunenummer", "fra", "til", "plasser", "partnerskapsavtale"],
        row=lambda a: [
            a.organisation.name,
            a.organisation.municipality_number,
            a.start_date,
            a.end_date or "",
            ", ".join(f"{c.places} ({c.valid_from:%d.%m.%Y})" for c in a.place_counts.all()),
            "ja" if a.organisation.partnership_agreements.all() else "nei",
        ],
        filename="avtaler",
    )
    if export:
        return export
    listing = list_page(request, agreements)
    return render(
        request,
        "reception/agreement_list.html",
        {**listing, "agreements": listing["rows"], "form": form, "filter_form": filter_form},
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
            try:
                services.place_count_set(
                    agreement=agreement, by=request.user, **places_form.cleaned_data
                )
            except DomainError as exc:
                places_form.add_error(None, str(exc))
            else:
                messages.success(request, _("The number of places is recorded."))
                return redirect("reception:agreement_detail", pk=pk)
        if partnership_form.is_bound and partnership_form.is_valid():
            partnership = services.partnership_agreement_register(
                organisation=agreement.organisation,
                by=request.user,
                **partnership_form.cleaned_data,
            )
            feedback = scan_feedback(
                name=partnership.document_original_name,
                status=partnership.document_scan_status,
                result=partnership.document_scan_result,
            )
            if partnership.document_quarantined:
                messages.error(request, feedback)
            else:
                messages.success(request, _("The partnership agreement is registered."))
                if feedback:
                    messages.warning(request, feedback)
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
    return file_response(
        file=partnership.document,
        name=partnership.document_original_name or "partnerskapsavtale.pdf",
        content_type=CONTENT_TYPES["pdf"],
        scan_status=partnership.document_scan_status,
    )


@login_required
def offer(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scheme_year = form.cleaned_data["scheme_year"]
        organisation = form.cleaned_data["organisation"]
        if organisation:
            try:
                offer = services.offer_send(
                    organisation=organisation, scheme_year=scheme_year, by=request.user
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("The offer is sent to %(org)s.") % {"org": organisation}
                )
                return redirect("reception:grant_detail", pk=offer.pk)
        else:
            offered, refused = services.offers_send_all(scheme_year=scheme_year, by=request.user)
            messages.success(
                request, _("Offers sent to %(count)s municipalities.") % {"count": len(offered)}
            )
            for reason in refused.values():
                messages.warning(request, reason)
            return redirect("reception:grant_list")
    return render(request, "reception/offer.html", {"form": form})


@login_required
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = access.get_offer_for_user(request.user, pk)
    grant = offer.grant
    user = request.user
    awaiting = grant.letter_awaiting_acceptance if grant else None
    period = services.grant_period(year=offer.scheme_year.year, agreement=offer.agreement)
    events = list(audit_entries_for(subject=offer))
    if grant is not None:
        events = sorted([*events, *audit_entries_for(subject=grant)], key=lambda e: e.created_at)
    return render(
        request,
        "reception/grant_detail.html",
        {
            "offer": offer,
            "grant": grant,
            **_amount_shown(offer, grant),
            "letters": grant_selectors.grant_letters(grant=grant) if grant else [],
            "acceptance_letter": AcceptanceLetter.objects.filter(offer=offer).first(),
            "change_requests": grant.change_requests.select_related("requested_by")
            if grant
            else [],
            "reports": grant.reports.order_by("due_date", "kind") if grant else [],
            "events": events,
            "payments": grant.payments.order_by("due_on") if grant else [],
            "repayments": grant.repayments.all() if grant else [],
            "partnership": services.valid_partnership_agreement(
                organisation=offer.organisation,
                start=period[0],
                end=period[1],
            ),
            "awaiting_letter": awaiting,
            "can_manage": access.can_manage(user),
            "can_sign": access.can_sign(user, offer),
            "can_fill": access.can_fill_acceptance_letter(user, offer) and offer.is_offered,
            "can_issue": access.can_manage(user) and offer.grant is None and not offer.is_offered,
            "can_accept": awaiting is not None
            and access.can_sign(user, offer)
            and is_before_deadline(awaiting.acceptance_deadline),
            "can_reopen": grant is not None
            and access.can_manage(user)
            and grant.status == GrantStatus.LAPSED,
            "can_request_change": grant is not None
            and access.can_sign(user, offer)
            and grant.status in (GrantStatus.LETTER_ISSUED, GrantStatus.ACCEPTED),
            "can_pay": grant is not None
            and access.can_manage(user)
            and grant.status == GrantStatus.ACCEPTED,
            "can_repay": grant is not None
            and access.can_manage(user)
            and grant.payments.filter(status__in=PAID_STATUSES).exists(),
            "reason_form": ReasonForm(),
            "decision_form": DecisionForm(),
            "repayment_form": RepaymentForm(),
        },
    )


def _amount_shown(offer, grant) -> dict:
    """What the page shows as the grant's amount: as the letter in force issued it (the accepted
    one, or the one awaiting acceptance before that), never a recomputation from today's
    configuration; before any letter, the offer's computation."""
    letters = grant.letters.order_by("-version") if grant else None
    if grant is not None and grant.is_accepted:
        letters = letters.filter(status=LetterStatus.ACCEPTED)
    letter = letters.first() if letters is not None else None
    if letter is not None and letter.details:
        context = services.grant_letter_context(letter)
        return {"lines": context["lines"], "rate": context["rate"], "shown_amount": letter.amount}
    return {
        "lines": services.offer_breakdown(offer=offer),
        "rate": offer.scheme_year.rate_per_place_per_month,
        "shown_amount": offer.amount,
    }


@login_required
def acceptance_letter(request: HttpRequest, pk: int) -> HttpResponse:
    offer = access.get_offer_for_user(request.user, pk)
    if not access.can_fill_acceptance_letter(request.user, offer):
        raise PermissionDenied
    if not offer.is_offered:
        messages.info(request, _("The acceptance letter has already been submitted."))
        return redirect("reception:grant_detail", pk=pk)
    form = AcceptanceLetterForm(
        request.POST or None, initial=services.acceptance_letter_initial(offer=offer)
    )
    if request.method == "POST" and form.is_valid():
        try:
            if "submit" in request.POST:
                services.acceptance_letter_submit(
                    offer=offer, by=request.user, fields=form.cleaned_data
                )
                messages.success(request, _("The acceptance letter is submitted to IMDi."))
            else:
                services.acceptance_letter_save(
                    offer=offer, by=request.user, fields=form.cleaned_data
                )
                messages.success(request, _("The acceptance letter is saved."))
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("reception:grant_detail", pk=pk)
    return render(
        request,
        "reception/acceptance_letter.html",
        {"offer": offer, "form": form, "can_sign": access.can_sign(request.user, offer)},
    )


def _on_grant(request: HttpRequest, pk: int, action) -> HttpResponse:
    """Run ``action(offer)`` for a POST on an offer's page; a refusal is shown there."""
    offer = access.get_offer_for_user(request.user, pk)
    try:
        action(offer)
    except DomainError as exc:
        _refused(request, exc)
    return redirect("reception:grant_detail", pk=offer.pk)


def _grant_of(offer):
    if offer.grant is None:
        raise Http404
    return offer.grant


@login_required
@require_POST
def letter_issue(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)

    def issue(offer):
        services.offer_grant(offer=offer, by=request.user, seen=request.POST.get("seen"))
        messages.success(request, _("The grant letter is issued; the PDF is being made."))

    return _on_grant(request, pk, issue)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    def do_accept(offer):
        letter = get_object_or_404(
            GrantLetter, grant=_grant_of(offer), pk=request.POST.get("letter") or 0
        )
        grant_services.letter_accept(letter=letter, by=request.user)
        messages.success(request, _("The grant is accepted. Thank you."))

    return _on_grant(request, pk, do_accept)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    form = ReasonForm(request.POST)

    def do_reopen(offer):
        grant_services.grant_reopen(
            grant=_grant_of(offer),
            by=request.user,
            reason=form.data.get("reason", ""),
            seen=request.POST.get("seen"),
        )
        messages.success(request, _("The grant is reopened with a new acceptance deadline."))

    return _on_grant(request, pk, do_reopen)


@login_required
def change_request(request: HttpRequest, pk: int) -> HttpResponse:
    offer = access.get_offer_for_user(request.user, pk)
    if not access.can_sign(request.user, offer):
        raise PermissionDenied
    grant = _grant_of(offer)
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_request_submit(grant=grant, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The change request is sent to IMDi."))
            return redirect("reception:grant_detail", pk=pk)
    return render(
        request, "reception/change_request.html", {"offer": offer, "grant": grant, "form": form}
    )


@login_required
@require_POST
def change_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    change = get_object_or_404(
        ChangeRequest.objects.select_related("grant__reception_offer"),
        pk=pk,
        status=ChangeRequestStatus.PENDING,
    )
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.change_request_decide(
                change_request=change,
                by=request.user,
                approve=form.cleaned_data["approve"],
                comment=form.cleaned_data["comment"],
                seen=request.POST.get("seen"),
            )
            messages.success(request, _("The change request is decided."))
        except DomainError as exc:
            _refused(request, exc)
    else:
        messages.error(request, _("Choose approve or refuse."))
    return redirect("reception:grant_detail", pk=change.grant.reception_offer.pk)


@login_required
@require_POST
def repayment(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    form = RepaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in amount, date and reason for the repayment."))
        return redirect("reception:grant_detail", pk=pk)

    def record(offer):
        grant_services.repayment_record(
            grant=_grant_of(offer), by=request.user, **form.cleaned_data
        )
        messages.success(request, _("The repayment is recorded."))

    return _on_grant(request, pk, record)


@login_required
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from imdi_grants.audit.services import audit_log

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
        content_type="application/pdf",
        filename=f"tilskuddsbrev-{case}-v{letter.version}.pdf",
    )
