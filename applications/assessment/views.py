"""IMDi's pages for assessing development-grant applications, and the applicant's decision page.

Every case page asks the development app for the application (``get_application_for_user``):
an outsider gets 404, staff who have not declared impartiality are sent to declare it, and staff
with a declared conflict are refused. Writes go through ``services``; a refusal is shown on the
page with what was typed kept.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.development import access as application_access
from applications.development.models import Application, Status
from applications.development.rules import application_checklist
from applications.development.selectors import budget_years
from imdi_grants.audit.selectors import audit_entries_for
from imdi_grants.audit.services import audit_log
from imdi_grants.exports.services import export_request
from imdi_grants.lib.exports import FORMATS, dataset_response
from imdi_grants.lib.feedback import carry_out
from imdi_grants.lib.lists import NarrowPaginator
from imdi_grants.lib.workflow import DomainError
from schemes.models import FocusArea, SchemeYear

from . import access, forms, letters, selectors, services
from .exports import queue_filter
from .models import Assignment, DecisionKind
from .resources import QueueResource

PAGE_SIZE = 50


def _staff(request: HttpRequest) -> None:
    if not access.is_staff(request.user):
        raise Http404


def _queue_filter(request: HttpRequest) -> forms.QueueFilter:
    return queue_filter(request.GET)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The round's submitted applications, filtered and sorted in the URL, 50 to a page."""
    _staff(request)
    filter_form = _queue_filter(request)
    filters = filter_form.filters()
    rows = selectors.queue_for_list(selectors.queue(user=request.user, **filters))
    page = NarrowPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    scheme_year = filters["scheme_year"]
    return render(
        request,
        "assessment/queue.html",
        {
            "filter_form": filter_form,
            "page": page,
            "applications": page.object_list,
            "scheme_year": scheme_year,
            # The filter's focus areas and staff, read once for both forms.
            "areas": filter_form.fields["area"].queryset if scheme_year else [],
            "assign_form": forms.AssignForm(
                staff=filter_form.fields["assessor"].queryset,
                per_application=scheme_year.assessors_per_application if scheme_year else 2,
            ),
            "is_lead": access.is_lead(request.user),
        },
    )


@login_required
def queue_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered queue, every page of it, as CSV or XLSX."""
    _staff(request)
    if fmt not in FORMATS:
        raise Http404
    filters = _queue_filter(request).filters()
    rows = selectors.queue(user=request.user, **filters)
    if rows.count() > settings.EXPORT_BACKGROUND_ROWS:
        job = export_request(
            kind="assessment-queue", params=dict(request.GET.lists()), fmt=fmt, by=request.user
        )
        return redirect("exports:detail", pk=job.pk)
    dataset = QueueResource(show_scores=access.is_lead(request.user)).export(rows)
    audit_log(
        subject=request.user,
        action="imdi.security.queue_exported",
        actor=request.user,
        data={"format": fmt, "rows": len(dataset)},
    )
    return dataset_response(dataset, fmt=fmt, filename="soknader")


@login_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """The lead assigns assessors to the applications ticked in the queue."""
    _staff(request)
    form = forms.BulkAssignForm(
        request.POST,
        staff=selectors.staff_users(),
        per_application=2,
        applications=access.not_conflicted(
            Application.objects.filter(case_number__isnull=False), request.user
        ),
    )
    back = request.POST.get("next") or ""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            made = services.assessors_assign(
                applications=list(form.cleaned_data["applications"]),
                assessors=list(form.cleaned_data["assessors"]),
                by=request.user,
                per_application=form.cleaned_data["per_application"],
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(count)s assignments made.") % {"count": len(made)})
    if back.startswith("/vurdering/"):
        return redirect(back)
    return redirect("assessment:queue")


def _case(request: HttpRequest, pk: int) -> Application:
    _staff(request)
    application = application_access.get_application_for_user(request.user, pk)
    if application.status == Status.DRAFT:
        raise Http404
    return application


def _case_context(request: HttpRequest, application: Application, **forms_given: Any) -> dict:
    user = request.user
    assessment = services.assessment_of(application=application)
    scores = selectors.case_scores(user=user, application=application)
    checklist = application_checklist(application=application)
    decision = getattr(application, "decision", None)
    staff = selectors.staff_users()
    later_years = selectors.later_years_applied(application=application)
    is_lead = access.can_lead(user, application)
    failed = services.failed_checks_text(assessment=assessment)
    context = {
        "application": application,
        "assessment": assessment,
        "scores": scores,
        "advice": [advice for result in checklist for advice in result.advice],
        "budget_years": budget_years(application=application),
        "applied": selectors.amount_applied_first_year(application=application),
        "assignments": Assignment.objects.filter(application=application).select_related(
            "assessor"
        ),
        "comments": application.staff_comments.select_related("author"),
        "decision": decision,
        "events": audit_entries_for(subject=application),
        "is_lead": is_lead,
        "can_score": access.can_score(user, application),
        "formal_form": forms.FormalCheckForm(instance=assessment),
        "dismiss_form": forms.DismissForm(
            initial={
                "grounds": failed,
                "rules_applied": _(
                    "Rundskriv 08-2025, “Vilkår for å få tilskudd”; the Public Administration "
                    "Act § 2 first paragraph letter b."
                ),
            }
        ),
        "assign_form": forms.AssignForm(
            staff=staff, per_application=application.scheme_year.assessors_per_application
        ),
        "score_form": forms.ScoreForm(instance=scores.mine),
        "agreed_form": forms.AgreedScoreForm(
            initial={
                "version": assessment.version,
                "purpose": assessment.agreed_purpose,
                "capacity": assessment.agreed_capacity,
                "transfer": assessment.agreed_transfer,
                "comment": assessment.agreed_comment,
            }
        ),
        "comment_form": forms.CommentForm(),
        "proposed_form": forms.ProposedAmountForm(
            initial={"version": assessment.version, "amount": assessment.proposed_amount}
        ),
        "award_form": forms.AwardForm(
            initial={"amount": assessment.proposed_amount}, later_years=later_years
        ),
        "refuse_form": forms.RefuseForm(),
        "can_dismiss": application.status in (Status.SUBMITTED, Status.IN_ASSESSMENT)
        and decision is None,
    }
    context.update(forms_given)
    return context


@login_required
@application_access.impartiality_gate
def case(request: HttpRequest, pk: int) -> HttpResponse:
    application = _case(request, pk)
    return render(request, "assessment/case.html", _case_context(request, application))


def _on_case(
    request: HttpRequest,
    pk: int,
    form_name: str,
    form: Any,
    action: Any,
    success: str,
) -> HttpResponse:
    """Run ``action(application, cleaned_data)`` if the form is valid; otherwise, or when the
    service refuses, show the case page again with the form as typed and the reason."""
    application = _case(request, pk)
    if form.is_valid():
        try:
            action(application, form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
            status = 403 if exc.code == "forbidden" else 409 if exc.code == "stale" else 400
        else:
            messages.success(request, success)
            return redirect("assessment:case", pk=pk)
    else:
        status = 400
    application = _case(request, pk)
    return render(
        request,
        "assessment/case.html",
        _case_context(request, application, **{form_name: form}),
        status=status,
    )


@login_required
@require_POST
@application_access.impartiality_gate
def formal_check(request: HttpRequest, pk: int) -> HttpResponse:
    application = _case(request, pk)
    form = forms.FormalCheckForm(
        request.POST, instance=services.assessment_of(application=application)
    )

    def record(app: Application, data: dict) -> None:
        assessment = services.formal_check_record(
            application=app,
            by=request.user,
            checks=data,
            notes=data.get("check_notes", ""),
            seen_version=data["version"],
        )
        if services.failed_checks_text(assessment=assessment):
            messages.warning(
                request,
                _("The application fails the formal check; dismiss it with grounds below."),
            )

    return _on_case(request, pk, "formal_form", form, record, _("The formal check is recorded."))


@login_required
@require_POST
@application_access.impartiality_gate
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Dismiss, or with the preview button, show the letter as it would be sent."""
    form = forms.DismissForm(request.POST)
    if "preview" in request.POST and form.is_valid():
        application = _case(request, pk)
        if not application_access.is_impartial(request.user, application):
            raise PermissionDenied
        pdf = letters.decision_letter_preview(
            application=application,
            kind=DecisionKind.DISMISSAL,
            grounds=form.cleaned_data["grounds"],
            rules_applied=form.cleaned_data["rules_applied"],
        )
        return _pdf(pdf, f"forhandsvisning-avvisning-{application.pk}.pdf", inline=True)
    return _on_case(
        request,
        pk,
        "dismiss_form",
        form,
        lambda app, data: services.application_dismiss(
            application=app,
            by=request.user,
            grounds=data["grounds"],
            rules_applied=data["rules_applied"],
        ),
        _("The application is dismissed; the letter is being made and sent."),
    )


@login_required
@require_POST
@application_access.impartiality_gate
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = _case(request, pk)
    form = forms.AssignForm(
        request.POST,
        staff=selectors.staff_users(),
        per_application=application.scheme_year.assessors_per_application,
    )
    return _on_case(
        request,
        pk,
        "assign_form",
        form,
        lambda app, data: services.assessors_assign(
            applications=[app],
            assessors=list(data["assessors"]),
            by=request.user,
            per_application=data["per_application"],
        ),
        _("The assessors are assigned."),
    )


@login_required
@require_POST
@application_access.impartiality_gate
def unassign(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    application = _case(request, pk)
    assignment = get_object_or_404(Assignment, pk=assignment_pk, application=application)
    carry_out(
        request,
        lambda: services.assignment_remove(assignment=assignment, by=request.user),
        success=_("The assessor is removed from the case."),
    )
    return redirect("assessment:case", pk=pk)


@login_required
@require_POST
@application_access.impartiality_gate
def score(request: HttpRequest, pk: int) -> HttpResponse:
    application = _case(request, pk)
    mine = selectors.case_scores(user=request.user, application=application).mine
    form = forms.ScoreForm(request.POST, instance=mine)
    submit = "submit" in request.POST
    return _on_case(
        request,
        pk,
        "score_form",
        form,
        lambda app, data: services.score_save(
            application=app,
            by=request.user,
            values=data,
            submit=submit,
            seen_version=data.get("version"),
        ),
        _("Your score is submitted.") if submit else _("Your score is saved as a draft."),
    )


@login_required
@require_POST
@application_access.impartiality_gate
def agree(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_case(
        request,
        pk,
        "agreed_form",
        forms.AgreedScoreForm(request.POST),
        lambda app, data: services.agreed_score_set(
            application=app,
            by=request.user,
            purpose=data["purpose"],
            capacity=data["capacity"],
            transfer=data["transfer"],
            comment=data["comment"],
            seen_version=data["version"],
        ),
        _("The agreed score is set."),
    )


@login_required
@require_POST
@application_access.impartiality_gate
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_case(
        request,
        pk,
        "comment_form",
        forms.CommentForm(request.POST),
        lambda app, data: services.comment_add(application=app, by=request.user, text=data["text"]),
        _("The comment is added."),
    )


@login_required
@require_POST
@application_access.impartiality_gate
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_case(
        request,
        pk,
        "proposed_form",
        forms.ProposedAmountForm(request.POST),
        lambda app, data: services.proposed_amount_set(
            application=app, by=request.user, amount=data["amount"], seen_version=data["version"]
        ),
        _("The proposed amount is saved."),
    )


@login_required
@require_POST
@application_access.impartiality_gate
def award(request: HttpRequest, pk: int) -> HttpResponse:
    application = _case(request, pk)
    later_years = selectors.later_years_applied(application=application)
    form = forms.AwardForm(request.POST, later_years=later_years)
    return _on_case(
        request,
        pk,
        "award_form",
        form,
        lambda app, data: services.application_award(
            application=app,
            by=request.user,
            amount=data["amount"],
            special_conditions=data.get("special_conditions", ""),
            planned_years=form.planned_years(),
        ),
        _("The grant is awarded. The letter goes out with the area's batch."),
    )


@login_required
@require_POST
@application_access.impartiality_gate
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_case(
        request,
        pk,
        "refuse_form",
        forms.RefuseForm(request.POST),
        lambda app, data: services.application_refuse(
            application=app, by=request.user, grounds=data["grounds"]
        ),
        _("The application is refused. The letter goes out with the area's batch."),
    )


def _pdf(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@login_required
@application_access.impartiality_gate
def letter_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The decided case's letter as it would read if sent today."""
    application = _case(request, pk)
    decision = getattr(application, "decision", None)
    if decision is None:
        raise Http404
    if decision.is_award:
        pdf = letters.award_letter_preview(decision=decision)
    else:
        pdf = letters.decision_letter_preview(
            application=application,
            kind=decision.kind,
            grounds=decision.grounds,
            rules_applied=decision.rules_applied,
        )
    return _pdf(pdf, f"forhandsvisning-{application.pk}.pdf", inline=True)


# --- Ranking, frame and batch sending ------------------------------------------------------


@login_required
def ranking(request: HttpRequest, area_pk: int) -> HttpResponse:
    """An area's applications ranked by score against its budget and the round's frame."""
    _staff(request)
    if not access.is_lead(request.user):
        raise PermissionDenied
    focus_area = get_object_or_404(FocusArea.objects.select_related("scheme_year"), pk=area_pk)
    result = selectors.area_ranking(focus_area=focus_area)
    # Paged: the totals and the cut count every row, but a busy area has thousands of
    # applications (about 8,000 at 100k), and drawing them all took seconds.
    page = Paginator(result.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.ranking_page(rows=page.object_list, user=request.user)
    return render(
        request,
        "assessment/ranking.html",
        {"ranking": result, "page": page, "focus_area": focus_area},
    )


@login_required
@require_POST
def finalise(request: HttpRequest, area_pk: int) -> HttpResponse:
    _staff(request)
    focus_area = get_object_or_404(FocusArea, pk=area_pk)
    carry_out(
        request,
        lambda: services.allocation_finalise(focus_area=focus_area, by=request.user),
        success=_("The allocation is final; the letters can be sent."),
    )
    return redirect("assessment:ranking", area_pk=area_pk)


@login_required
@require_POST
def send_letters(request: HttpRequest, area_pk: int) -> HttpResponse:
    _staff(request)
    focus_area = get_object_or_404(FocusArea, pk=area_pk)
    try:
        count = services.decisions_send(focus_area=focus_area, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if count:
            messages.success(
                request, _("%(count)s letters are being made and sent.") % {"count": count}
            )
        else:
            messages.info(request, _("Every letter of the area has already been sent."))
    return redirect("assessment:ranking", area_pk=area_pk)


@login_required
def frame(request: HttpRequest, year_pk: int) -> HttpResponse:
    """The round's frame, its areas' budgets and awards; the administrator moves unused funds."""
    _staff(request)
    scheme_year = get_object_or_404(SchemeYear.objects.select_related("scheme"), pk=year_pk)
    form = forms.BudgetMoveForm(request.POST or None, scheme_year=scheme_year)
    status = 200
    if request.method == "POST":
        if not access.is_administrator(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.area_budget_move(by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The funds are moved."))
                return redirect("assessment:frame", year_pk=year_pk)
        status = 400
    return render(
        request,
        "assessment/frame.html",
        {
            **selectors.frame_overview(scheme_year=scheme_year),
            "form": form,
            "can_move": access.is_administrator(request.user),
        },
        status=status,
    )


@login_required
def declarations(request: HttpRequest) -> HttpResponse:
    """Every impartiality declaration, for the administrator."""
    if not access.is_administrator(request.user):
        raise Http404
    filter_form = forms.DeclarationFilter(request.GET or None)
    page = Paginator(selectors.declarations(**filter_form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "assessment/declarations.html",
        {"filter_form": filter_form, "page": page, "declarations": page.object_list},
    )


# --- The applicant's side ---------------------------------------------------------------------


@login_required
@application_access.impartiality_gate
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision and its letters, for the applicant's and partners' users and for staff."""
    application = application_access.get_application_for_user(request.user, pk)
    decision = getattr(application, "decision", None)
    if decision is None or not (request.user.is_imdi_staff or application.is_decision_released):
        raise Http404
    grant = decision.grant
    later_years = [
        {
            "planned": planned,
            "grant": planned.continued_as,
            "letters": list(planned.continued_as.letters.order_by("version"))
            if planned.continued_as
            else [],
        }
        for planned in (
            grant.planned_years.select_related("continued_as").order_by("year") if grant else []
        )
    ]
    grant_letters = list(grant.letters.order_by("version")) if grant else []
    awaiting = next((x for x in grant_letters if x.is_awaiting_acceptance and x.sent_on), None)
    return render(
        request,
        "assessment/decision.html",
        {
            "application": application,
            "decision": decision,
            "grant": grant,
            "grant_letters": grant_letters,
            "awaiting": awaiting,
            "can_accept": bool(
                awaiting and application_access.is_responsible_signatory(request.user, application)
            ),
            "letter": getattr(decision, "letter", None),
            "later_years": later_years,
            "is_signatory": application_access.is_responsible_signatory(request.user, application),
            "can_continue": access.can_lead(request.user, application),
            "reports": grant.reports.order_by("due_date", "pk") if grant else [],
        },
    )


@login_required
@require_POST
@application_access.impartiality_gate
def year_continue(request: HttpRequest, pk: int, planned_pk: int) -> HttpResponse:
    """The lead awards the next year of a multi-year project."""
    application = _case(request, pk)
    decision = getattr(application, "decision", None)
    if decision is None or decision.grant is None:
        raise Http404
    planned = get_object_or_404(decision.grant.planned_years, pk=planned_pk)
    try:
        grant = services.planned_year_continue(
            planned=planned,
            by=request.user,
            appropriation_confirmed=request.POST.get("appropriation") == "yes",
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(year)s is awarded; its grant letter is being sent.")
            % {"year": grant.scheme_year.year},
        )
    return redirect("assessment:decision", pk=pk)


@login_required
@application_access.impartiality_gate
def decision_letter(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_access.get_application_for_user(request.user, pk)
    decision = getattr(application, "decision", None)
    letter = getattr(decision, "letter", None) if decision else None
    if letter is None or not letter.file:
        raise Http404
    services.decision_letter_opened(letter=letter, by=request.user)
    audit_log(
        subject=application,
        action="imdi.security.decision_letter_downloaded",
        actor=request.user,
        organisation=application.organisation,
        data={"case_number": application.case_number, "kind": decision.kind},
    )
    return FileResponse(
        letter.file.open("rb"),
        as_attachment=True,
        filename=f"vedtak-{application.case_number.replace('/', '-')}.pdf",
        content_type="application/pdf",
    )
