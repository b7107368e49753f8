"""Appeals in the portal: the organisation lodges and follows its appeals; IMDi's staff reverse,
forward to AID and record AID's outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.assessment.models import Decision
from grants.models import Reaction
from imdi_grants.audit.selectors import audit_entries_for
from imdi_grants.lib.lists import NarrowPaginator, list_export
from imdi_grants.lib.uploads import file_response, scan_feedback
from imdi_grants.lib.workflow import DomainError

from . import access, forms, selectors, services


@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    filter_form = forms.AppealFilter(request.GET or None)
    appeals = selectors.appeals_for(user=request.user, **filter_form.filters())
    export = list_export(
        request,
        appeals,
        headers=["klaget", "organisasjon", "gjelder", "klagefrist", "for_sent", "status"],
        row=lambda a: [
            a.lodged_at.date(),
            a.organisation.name,
            a.subject_display,
            a.deadline,
            "ja" if a.is_late else "",
            a.get_status_display(),
        ],
        filename="klager",
    )
    if export:
        return export
    page = NarrowPaginator(appeals, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "appeals/appeal_list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "query": query.urlencode(),
            "appeals": page.object_list,
            "appealable": None
            if request.user.is_imdi_staff
            else selectors.appealable_for(user=request.user),
        },
    )


def _target(request: HttpRequest) -> tuple[Decision | None, Reaction | None]:
    decision_id, reaction_id = request.GET.get("vedtak", ""), request.GET.get("reaksjon", "")
    if decision_id.isascii() and decision_id.isdigit() and len(decision_id) < 10:
        decision = (
            Decision.objects.select_related("application__organisation")
            .filter(pk=int(decision_id))
            .first()
        )
        if decision is None or decision.case is None:
            raise Http404
        if not request.user.memberships.filter(
            organisation_id=decision.case.organisation_id
        ).exists():
            raise Http404
        return decision, None
    if reaction_id.isascii() and reaction_id.isdigit() and len(reaction_id) < 10:
        reaction = get_object_or_404(Reaction.objects.select_related("grant"), pk=int(reaction_id))
        if not request.user.memberships.filter(
            organisation_id=reaction.grant.organisation_id
        ).exists():
            raise Http404
        return None, reaction
    raise Http404


@login_required
def appeal_create(request: HttpRequest) -> HttpResponse:
    """Lodge an appeal against a dismissal or a reaction; an award or a refusal cannot be
    appealed, and the page says why."""
    decision, reaction = _target(request)
    form = forms.AppealForm(request.POST or None, request.FILES or None)
    refusal = None
    try:
        _organisation, received = services.appeal_target(decision, reaction)
        deadline = services.appeal_deadline(received)
    except DomainError as exc:
        refusal, received, deadline = str(exc), None, None
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            appeal = services.appeal_lodge(
                by=request.user,
                text=form.cleaned_data["text"],
                decision=decision,
                reaction=reaction,
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            form.add_error("files", exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The appeal is sent to IMDi."))
            for attachment in appeal.attachments.all():
                feedback = scan_feedback(
                    name=attachment.original_name,
                    status=attachment.scan_status,
                    result=attachment.scan_result,
                )
                if attachment.is_quarantined:
                    messages.error(request, feedback)
                elif feedback:
                    messages.warning(request, feedback)
            return redirect("appeals:detail", pk=appeal.pk)
    return render(
        request,
        "appeals/appeal_create.html",
        {
            "form": form,
            "decision": decision,
            "reaction": reaction,
            "refusal": refusal,
            "received_on": received,
            "deadline": deadline,
        },
        status=400 if form.errors else 200,
    )


@login_required
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = access.get_appeal_for_user(request.user, pk)
    return render(
        request,
        "appeals/appeal_detail.html",
        {
            "appeal": appeal,
            "events": audit_entries_for(subject=appeal),
            "can_handle": access.can_handle(request.user, appeal),
            "reverse_form": forms.ReverseForm(),
            "forward_form": forms.ForwardForm(),
            "outcome_form": forms.AidOutcomeForm(),
        },
    )


def _handle(request: HttpRequest, pk: int, form_class, action, success: str) -> HttpResponse:
    appeal = access.get_appeal_for_user(request.user, pk)
    if not access.can_handle(request.user, appeal):
        raise Http404
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(appeal, form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("appeals:detail", pk=pk)


@login_required
@require_POST
def appeal_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    return _handle(
        request,
        pk,
        forms.ReverseForm,
        lambda appeal, data: services.appeal_reverse(
            appeal=appeal, by=request.user, grounds=data["grounds"]
        ),
        _("The decision is reversed."),
    )


@login_required
@require_POST
def appeal_forward(request: HttpRequest, pk: int) -> HttpResponse:
    return _handle(
        request,
        pk,
        forms.ForwardForm,
        lambda appeal, data: services.appeal_forward(
            appeal=appeal,
            by=request.user,
            preparation=data["preparation"],
            on=data["forwarded_on"],
        ),
        _("The appeal is recorded as sent to AID."),
    )


@login_required
@require_POST
def appeal_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    return _handle(
        request,
        pk,
        forms.AidOutcomeForm,
        lambda appeal, data: services.appeal_aid_decided(
            appeal=appeal,
            by=request.user,
            outcome=data["outcome"],
            decided_on=data["decided_on"],
            note=data["note"],
        ),
        _("AID's decision is recorded."),
    )


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    appeal = access.get_appeal_for_user(request.user, pk)
    attachment = get_object_or_404(appeal.attachments, pk=attachment_pk)
    response = file_response(
        file=attachment.file,
        name=attachment.original_name,
        content_type=attachment.content_type,
        scan_status=attachment.scan_status,
    )
    services.appeal_attachment_downloaded(attachment=attachment, by=request.user)
    return response


@login_required
def letter_download(request: HttpRequest, pk: int, letter_pk: int) -> FileResponse:
    """IMDi's reversal or forwarding letter, for the organisation and for staff who see the
    appeal; the download is audited."""
    appeal = access.get_appeal_for_user(request.user, pk)
    letter = get_object_or_404(appeal.letters, pk=letter_pk)
    if not letter.file:
        raise Http404
    services.appeal_letter_downloaded(letter=letter, by=request.user)
    return FileResponse(
        letter.file.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=letter.file.name.rsplit("/", 1)[-1],
    )
