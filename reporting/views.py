from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from imdi_grants.lib.deadlines import today_in_oslo
from imdi_grants.lib.lists import list_export, list_page
from imdi_grants.lib.uploads import CONTENT_TYPES, file_response, scan_feedback
from imdi_grants.lib.workflow import DomainError

from . import access, selectors, services
from .forms import ReportForm, ReportListFilter, ReviewForm
from .models import Report


def _tell_scan(request: HttpRequest, report: Report) -> None:
    """Tell the uploader when the accounts form was quarantined or could not be scanned."""
    feedback = scan_feedback(
        name=report.accounts_file_name,
        status=report.accounts_file_scan_status,
        result=report.accounts_file_scan_result,
    )
    if report.accounts_file_quarantined:
        messages.error(request, feedback)
    elif feedback:
        messages.warning(request, feedback)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    can_fill = access.can_fill(request.user, report) and report.is_open_for_filling
    form = ReportForm(request.POST or None, request.FILES or None, report=report)
    if request.method == "POST":
        if not can_fill:
            raise PermissionDenied
        if form.is_valid():
            try:
                saved = services.report_save(
                    report=report,
                    by=request.user,
                    fields=form.report_fields(),
                    activities=form.activities(),
                    accounts_file=form.cleaned_data.get("accounts_file"),
                )
                if form.cleaned_data.get("accounts_file"):
                    _tell_scan(request, saved)
                if "submit" in request.POST:
                    services.report_submit(report=report, by=request.user)
                    messages.success(request, _("The report is submitted to IMDi."))
                    return redirect("grants:grant_detail", pk=report.grant_id)
                messages.success(request, _("The report is saved."))
                return redirect("reporting:report_detail", pk=pk)
            except DomainError as exc:
                messages.error(request, str(exc))
                return redirect("reporting:report_detail", pk=pk)
    report.refresh_from_db()
    return render(
        request,
        "reporting/report_detail.html",
        {
            "report": report,
            "grant": report.grant,
            "form": form,
            "can_fill": can_fill,
            "can_review": access.can_review(request.user, report) and report.is_waiting_for_review,
            "problems": services.report_problems(report) if can_fill else [],
            "review_form": ReviewForm(),
        },
    )


@login_required
@require_POST
def approve_accounts(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    try:
        services.report_approve_accounts(
            report=report, by=request.user, as_role=request.POST.get("as_role", "")
        )
        messages.success(request, _("Your approval of the project accounts is recorded."))
    except (DomainError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("reporting:report_detail", pk=pk)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    if not access.can_review(request.user, report):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.report_review(report=report, by=request.user, **form.cleaned_data)
            messages.success(request, _("The report is reviewed."))
        except DomainError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Choose approve or send back."))
    return redirect("reporting:report_detail", pk=pk)


@login_required
def accounts_file(request: HttpRequest, pk: int) -> FileResponse:
    """The uploaded accounts form, for the organisation's users and the caseworkers who see the
    grant; each download is audited."""
    report = access.get_report_for_user(request.user, pk)
    if not report.accounts_file:
        raise Http404
    response = file_response(
        file=report.accounts_file,
        name=report.accounts_file_name,
        content_type=CONTENT_TYPES["xlsx"],
        scan_status=report.accounts_file_scan_status,
    )
    services.accounts_file_downloaded(report=report, by=request.user)
    return response


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports the person may see, filtered, 50 to a page, and the same rows as CSV or
    XLSX (the reports' status for the accounting and the ministry)."""
    form = ReportListFilter(request.GET or None)
    reports = selectors.report_list(user=request.user, **form.filters())
    export = list_export(
        request,
        reports,
        headers=[
            "saksnummer",
            "mottaker",
            "ordning",
            "år",
            "rapport",
            "frist",
            "status",
            "sendt_inn",
        ],
        row=lambda r: [
            r.grant.case_number,
            r.grant.organisation.name,
            r.grant.scheme_year.scheme.code,
            r.grant.scheme_year.year,
            r.get_kind_display(),
            r.due_date,
            r.get_status_display(),
            timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M") if r.submitted_at else "",
        ],
        filename="rapporter",
    )
    if export:
        return export
    return render(
        request,
        "reporting/report_list.html",
        {**list_page(request, reports), "form": form, "today": today_in_oslo()},
    )
