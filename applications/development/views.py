"""Pages of the development-grant application: list, start, the steps, review and submit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseFormSet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from tablib import Dataset

from imdi_grants.accounts.access import organisations_for
from imdi_grants.audit.selectors import audit_entries_for
from imdi_grants.lib.deadlines import now_in_oslo
from imdi_grants.lib.exports import FORMATS, dataset_response
from imdi_grants.lib.uploads import file_response, scan_feedback
from imdi_grants.lib.workflow import DomainError
from schemes.models import FocusArea
from schemes.selectors import focus_area_is_open_to, rounds_open

from . import access, forms, selectors, services
from .models import DECIDED, Application
from .rules import StepCheck, application_checklist, checklist_by_step
from .steps import STEP_BY_SLUG, STEP_SLUGS, STEPS

FUNDING_YEARS = (1, 2, 3)
EMPTY_ROWS = 2


def _raw(data: QueryDict) -> dict[str, list[str]]:
    return {key: data.getlist(key) for key in data if key != "csrfmiddlewaretoken"}


def _querydict(raw: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in raw.items():
        data.setlist(key, values)
    return data


@dataclass
class StepForms:
    form: forms.StepForm
    formsets: dict[str, BaseFormSet] = field(default_factory=dict)

    def is_valid(self) -> bool:
        results = [self.form.is_valid(), *(fs.is_valid() for fs in self.formsets.values())]
        return all(results)


def _step_forms(step: str, application: Application, data: QueryDict | None) -> StepForms:
    """The forms of a step, bound to ``data`` or filled from the application: the step's
    declared fields, and the rows of the budget and of earlier projects."""
    form = forms.step_form_class(step, application.focus_area.kind)(data, instance=application)
    if step == "budget":
        funding = {row.year_number: row for row in application.funding_years.all()}
        funding_initial = [
            {
                "year_number": year,
                "amount_applied": getattr(funding.get(year), "amount_applied", None),
                "own_contribution": getattr(funding.get(year), "own_contribution", None),
                "other_funding": getattr(funding.get(year), "other_funding", None),
            }
            for year in FUNDING_YEARS
        ]
        lines_initial = [
            {
                "year_number": line.year_number,
                "description": line.description,
                "amount": line.amount,
            }
            for line in application.budget_lines.all()
        ] + [{"year_number": 1}] * EMPTY_ROWS
        return StepForms(
            form,
            {
                "funding": forms.FundingFormSet(data, initial=funding_initial, prefix="funding"),
                "lines": forms.BudgetLineFormSet(data, initial=lines_initial, prefix="lines"),
            },
        )
    if step == "partners":
        earlier_initial = [
            {"title": p.title, "year": p.year, "result": p.result}
            for p in application.earlier_projects.all()
        ] + [{}] * EMPTY_ROWS
        return StepForms(
            form,
            {
                "earlier": forms.EarlierProjectFormSet(
                    data, initial=earlier_initial, prefix="earlier"
                )
            },
        )
    return StepForms(form)


def _save_step(
    step: str, application: Application, step_forms: StepForms, request: HttpRequest
) -> bool:
    """Save what validated; keep the raw input of a step that did not. Returns validity; a
    refusal by the service is a ``DomainError``."""
    valid = step_forms.is_valid()
    form = step_forms.form
    kwargs: dict[str, Any] = {"fields": form.valid_values()}
    if step == "partners" and "partners" not in form.errors:
        kwargs["partners"] = list(form.cleaned_data.get("partners") or [])
    if step == "budget":
        funding, lines = step_forms.formsets["funding"], step_forms.formsets["lines"]
        if funding.is_valid() and lines.is_valid():
            years = form.cleaned_data.get("project_years") or application.project_years or 0
            kwargs["budget"] = services.BudgetInput(
                funding=[
                    row
                    for row in (f.row() for f in funding.forms)
                    if row["year_number"] <= years
                    or any(row[k] for k in ("amount_applied", "own_contribution", "other_funding"))
                ],
                lines=[row for row in (f.row() for f in lines.forms) if row],
            )
    if step == "partners":
        earlier = step_forms.formsets["earlier"]
        if earlier.is_valid():
            kwargs["earlier_projects"] = [row for row in (f.row() for f in earlier.forms) if row]
    services.application_update_draft(
        application=application,
        by=request.user,
        step=step,
        raw_input=None if valid else _raw(request.POST),
        **kwargs,
    )
    return valid


@dataclass(frozen=True)
class ProgressStep:
    """A step in the progress indicator: ``state`` is "current", "done" or "todo"."""

    slug: str
    number: int
    title: str
    state: str
    advice: bool = False


def _progress(
    application: Application, step_checks: list[StepCheck], step: str
) -> list[ProgressStep]:
    """Done is a step with nothing missing (the review step: once submitted)."""
    progress = []
    for check in step_checks:
        if check.slug == step:
            state = "current"
        elif check.slug == "review":
            state = "todo" if application.is_draft else "done"
        else:
            state = "done" if check.ok else "todo"
        progress.append(
            ProgressStep(check.slug, check.number, check.title, state, bool(check.advice))
        )
    return progress


def _context(application: Application, user: Any, step: str = "", **extra: Any) -> dict[str, Any]:
    checklist = application_checklist(application=application)
    step_checks = checklist_by_step(checklist)
    return {
        "application": application,
        "step": step,
        "steps": STEPS,
        "progress": _progress(application, step_checks, step),
        "step_checks": [check for check in step_checks if check.slug != "review"],
        "checklist": checklist,
        "checklist_ok": all(result.ok for result in checklist),
        "problem_count": sum(len(result.problems) for result in checklist),
        "advice": [advice for result in checklist for advice in result.advice],
        "budget_years": selectors.budget_years(application=application),
        "summary": selectors.application_summary(application=application),
        "can_edit": access.can_edit(user, application),
        "can_submit": access.can_submit(user, application),
        "can_reopen": access.can_reopen(user, application),
        "is_decided": application.status in DECIDED
        and (user.is_imdi_staff or application.is_decision_released),
        **extra,
    }


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    if request.user.is_imdi_staff:
        return redirect("assessment:queue")
    organisations = list(organisations_for(request.user).order_by("name"))
    form = forms.ApplicationListFilter(
        request.GET or None,
        organisations=organisations,
        years=selectors.round_years(),
    )
    applications = selectors.applications_for_user(user=request.user, **form.filters())
    if request.GET.get("format") in FORMATS:
        return _application_list_export(applications, fmt=request.GET["format"])
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "development/application_list.html",
        {
            "applications": page.object_list,
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "can_start": bool(organisations),
        },
    )


def _application_list_export(applications, *, fmt: str) -> HttpResponse:
    """Exactly the filtered list, every page of it."""
    dataset = Dataset(
        headers=["saksnummer", "tittel", "søker", "år", "satsingsområde", "status", "opprettet"]
    )
    for application in applications.iterator(chunk_size=2000):
        dataset.append(
            [
                application.case_number or "",
                application.title,
                application.organisation.name,
                application.scheme_year.year,
                application.focus_area.number,
                str(application.applicant_status_display),
                application.created_at.date().isoformat(),
            ]
        )
    return dataset_response(dataset, fmt=fmt, filename="soknader")


@login_required
def application_create(request: HttpRequest) -> HttpResponse:
    organisations = organisations_for(request.user).order_by("name")
    rounds = list(rounds_open())
    orgs = list(organisations)
    areas = [
        area
        for scheme_year in rounds
        for area in scheme_year.focus_areas.all()
        if any(focus_area_is_open_to(area, org) for org in orgs)
    ]
    form = forms.CreateForm(
        request.POST or None,
        organisations=organisations,
        focus_areas=FocusArea.objects.filter(pk__in=[a.pk for a in areas])
        .select_related("scheme_year")
        .order_by("scheme_year__year", "number"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                organisation=form.cleaned_data["organisation"],
                focus_area=form.cleaned_data["focus_area"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error("focus_area", str(exc))
        else:
            messages.success(request, _("The application is started and saved as a draft."))
            return redirect("development:step", pk=application.pk, step="basics")
    return render(
        request,
        "development/application_create.html",
        {"form": form, "rounds": rounds, "organisations": orgs, "now": now_in_oslo()},
    )


@login_required
@access.impartiality_gate
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.get_application_for_user(request.user, pk)
    return render(
        request,
        "development/application_detail.html",
        _context(application, request.user, events=audit_entries_for(subject=application)),
    )


@login_required
@access.impartiality_gate
def application_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    application = access.get_application_for_user(request.user, pk)
    if step not in STEP_BY_SLUG:
        raise Http404
    if step == "review":
        return redirect("development:submit", pk=pk)
    if not access.can_edit(request.user, application):
        if application.is_draft:
            raise PermissionDenied  # a partner reads, but does not edit
        messages.warning(
            request,
            _(
                "The application is submitted and can no longer be changed. Contact IMDi if it "
                "needs to be reopened."
            ),
        )
        return redirect("development:detail", pk=pk)
    status = 200
    if request.method == "POST":
        step_forms = _step_forms(step, application, request.POST)
        try:
            valid = _save_step(step, application, step_forms, request)
        except DomainError as exc:
            step_forms.form.add_error(None, str(exc))
            status = 403 if exc.code == "forbidden" else 400
        else:
            if valid:
                messages.success(request, _("Saved."))
                index = STEP_SLUGS.index(step)
                target = STEP_SLUGS[index + 1] if "next" in request.POST else step
                return redirect("development:step", pk=pk, step=target)
            messages.warning(
                request,
                _("The draft is saved, but some fields need correcting. What you typed is kept."),
            )
        application = access.get_application_for_user(request.user, pk)
    else:
        raw = application.draft_input.get(step)
        step_forms = _step_forms(step, application, _querydict(raw) if raw else None)
        if raw:
            step_forms.is_valid()  # show the errors of what was kept
    index = STEP_SLUGS.index(step)
    partner_options = (
        step_forms.form.partner_options() if isinstance(step_forms.form, forms.PartnersForm) else []
    )
    return render(
        request,
        "development/application_step.html",
        _context(
            application,
            request.user,
            partner_options=partner_options,
            partners_chosen=[option.name for option in partner_options if option.checked],
            step=step,
            step_title=STEP_BY_SLUG[step].title,
            step_number=index + 1,
            form=step_forms.form,
            formsets=step_forms.formsets,
            attachment_form=forms.AttachmentForm() if step == "declarations" else None,
        ),
        status=status,
    )


@login_required
@access.impartiality_gate
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Review, hand over to a signatory, and (for a signatory) approve and submit."""
    application = access.get_application_for_user(request.user, pk)
    errors: list[str] = []
    status = 200
    action = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "hand_over":
                services.application_hand_over(application=application, by=request.user)
                messages.success(
                    request, _("The application is handed over to a signatory for approval.")
                )
            elif action == "submit":
                application = services.application_submit(application=application, by=request.user)
                messages.success(
                    request,
                    _(
                        "The application is submitted with case number %(case_number)s. A receipt "
                        "is being made and sent by e-mail."
                    )
                    % {"case_number": application.case_number},
                )
                return redirect("development:detail", pk=pk)
            else:
                raise Http404
        except DomainError as exc:
            errors = exc.messages if isinstance(exc, services.RulesNotMet) else [str(exc)]
            status = 403 if exc.code == "forbidden" else 400
        else:
            return redirect("development:submit", pk=pk)
        application = access.get_application_for_user(request.user, pk)
    return render(
        request,
        "development/application_submit.html",
        _context(
            application,
            request.user,
            errors=errors,
            error_action=action,
            has_signatory=selectors.organisation_has_signatory(
                organisation=application.organisation
            ),
            step="review",
            step_number=len(STEPS),
            step_title=STEP_BY_SLUG["review"].title,
        ),
        status=status,
    )


@login_required
@require_POST
@access.impartiality_gate
def application_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.get_application_for_user(request.user, pk)
    if not access.can_reopen(request.user, application):
        raise PermissionDenied
    reason = request.POST.get("reason", "")
    deadline_field = forms.ReopenDeadlineField(required=False)
    try:
        deadline = deadline_field.clean(request.POST.get("deadline", ""))
    except ValidationError:
        deadline = None
    try:
        services.application_reopen(
            application=application, by=request.user, reason=reason, deadline=deadline
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        application = access.get_application_for_user(request.user, pk)
        return render(
            request,
            "development/application_detail.html",
            _context(
                application,
                request.user,
                events=audit_entries_for(subject=application),
                reopen_reason=reason,
                reopen_deadline=request.POST.get("deadline", ""),
            ),
            status=403 if exc.code == "forbidden" else 400,
        )
    messages.success(request, _("The application is reopened as a draft."))
    return redirect("development:detail", pk=pk)


@login_required
@require_POST
@access.impartiality_gate
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.get_application_for_user(request.user, pk)
    if not access.can_edit(request.user, application):
        raise PermissionDenied
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            attachment = services.attachment_add(
                application=application, by=request.user, uploaded=form.cleaned_data["file"]
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            feedback = scan_feedback(
                name=attachment.original_name,
                status=attachment.scan_status,
                result=attachment.scan_result,
            )
            if attachment.is_quarantined:
                messages.error(request, feedback)
            else:
                messages.success(
                    request, _("“%(name)s” is uploaded.") % {"name": attachment.original_name}
                )
                if feedback:
                    messages.warning(request, feedback)
    return redirect("development:step", pk=pk, step="declarations")


@login_required
@require_POST
@access.impartiality_gate
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = access.get_application_for_user(request.user, pk)
    if not access.can_edit(request.user, application):
        raise PermissionDenied
    attachment = application.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    try:
        services.attachment_delete(attachment=attachment, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The attachment is deleted."))
    return redirect("development:step", pk=pk, step="declarations")


@login_required
@access.impartiality_gate
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    from imdi_grants.audit.services import audit_log

    application = access.get_application_for_user(request.user, pk)
    attachment = next((a for a in application.attachments.all() if a.pk == attachment_pk), None)
    if attachment is None:
        raise Http404
    response = file_response(
        file=attachment.file,
        name=attachment.original_name,
        content_type=attachment.content_type,
        scan_status=attachment.scan_status,
    )
    audit_log(
        subject=attachment,
        action="imdi.security.attachment_downloaded",
        actor=request.user,
        organisation=application.organisation,
        data={"application": application.pk, "name": attachment.original_name},
    )
    return response


@login_required
@access.impartiality_gate
def receipt_download(request: HttpRequest, pk: int) -> FileResponse:
    from imdi_grants.audit.services import audit_log

    application = access.get_application_for_user(request.user, pk)
    receipt = next(iter(application.receipts.all()), None)
    if receipt is None:
        raise Http404
    audit_log(
        subject=receipt,
        action="imdi.security.receipt_downloaded",
        actor=request.user,
        organisation=application.organisation,
        data={"application": application.pk, "case_number": application.case_number},
    )
    return FileResponse(
        receipt.file.open("rb"),
        as_attachment=True,
        filename=f"kvittering-{application.case_number}.pdf",
        content_type="application/pdf",
    )


@login_required
def impartiality(request: HttpRequest, pk: int) -> HttpResponse:
    """Before a member of staff sees a case, they declare whether they have a conflict of
    interest with the applicant or its partners (fvl § 6); the page shows only who they are."""
    application = selectors.application_with_details(pk=pk)
    if application is None or not access.can_declare(request.user, application):
        raise Http404
    clearance = access.staff_clearance(request.user, application)
    if clearance == access.Clearance.CONFLICT:
        raise PermissionDenied(
            _("You have declared a conflict of interest in this case and cannot open it.")
        )
    form = forms.DeclarationForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.impartiality_declare(
                application=application,
                by=request.user,
                has_conflict=form.cleaned_data["has_conflict"],
                explanation=form.cleaned_data["explanation"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if form.cleaned_data["has_conflict"]:
                messages.success(
                    request,
                    _("Your conflict of interest is recorded; the case is closed to you."),
                )
                return redirect("assessment:queue")
            messages.success(request, _("Your impartiality is recorded."))
            return redirect(next_url or "assessment:case", **({} if next_url else {"pk": pk}))
    return render(
        request,
        "development/impartiality.html",
        {
            "application": application,
            "form": form,
            "next": next_url,
            "clearance": clearance,
        },
        status=400 if form.errors else 200,
    )
