"""Reports' status in bulk through django-import-export (with its preview): a caseworker's file
approves or sends back submitted reports, each through ``report_review`` (the state machine,
the audit entry, the e-mail to the organisation when a report is sent back)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets
from import_export.widgets import DateWidget

from grants.access import grants_visible_to
from grants.models import Grant
from imdi_grants.lib.imports import (
    RowErrors,
    RowPlan,
    ServiceRowResource,
    case_numbers,
    cell_text,
    parse_choice,
    parse_date,
    parse_text,
)
from schemes.models import ReportKind

from .models import Report, ReportStatus
from .services import report_review

#: How a report's status is written in the file (the export writes the first of each).
STATUS_WORDS = {
    ReportStatus.APPROVED: ("godkjent", "godkjend", "approved"),
    ReportStatus.RETURNED: ("returnert", "sendt tilbake", "send tilbake", "returned"),
    ReportStatus.SUBMITTED: ("innsendt", "levert", "submitted"),
    ReportStatus.DUE: ("ikke levert", "ikkje levert", "ikke innsendt", "due"),
}
WORD_STATUS = {word: status for status, words in STATUS_WORDS.items() for word in words}
#: What the file can set; the other statuses are only shown.
DECISIONS = (ReportStatus.APPROVED, ReportStatus.RETURNED)


def parse_status(value: object) -> str:
    status = WORD_STATUS.get(cell_text(value).lower())
    if status is None:
        raise ValueError(
            _("“%(value)s” is not a status: write godkjent or returnert.")
            % {"value": cell_text(value)}
        )
    return status


class StatusWordWidget(widgets.Widget):
    """A report's status as the file writes it, in the export and in the preview."""

    def render(self, value, obj=None, **kwargs):
        return STATUS_WORDS[value][0] if value in STATUS_WORDS else ""


class ReportStatusResource(ServiceRowResource):
    """One row per report: the grant's case number (``saksnummer``), the report (``rapport``:
    half_year, status, annual, or its name), its due date or the end of its period (``frist``),
    the status (``status``: godkjent or returnert; innsendt and ikke levert are only shown) and
    the caseworker's comment (``kommentar``, needed when a report is sent back). A row that asks
    for the status the report already has is skipped, so the export imports again unchanged.
    A case the importing caseworker declared a conflict of interest in is refused."""

    case_number = fields.Field(attribute="grant__case_number", column_name="saksnummer")
    kind = fields.Field(attribute="kind", column_name="rapport")
    due_date = fields.Field(
        attribute="due_date", column_name="frist", widget=DateWidget("%Y-%m-%d")
    )
    status = fields.Field(attribute="status", column_name="status", widget=StatusWordWidget())
    comment = fields.Field(attribute="review_comment", column_name="kommentar")

    class Meta:
        model = Report
        name = gettext_lazy("Reports' status (approve or send back)")
        fields = ("case_number", "kind", "due_date", "status", "comment")
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("grant").order_by("grant__case_number", "due_date", "kind")

    def before_import(self, dataset, **kwargs: Any) -> None:
        """The file's reports in one query, and the grants the importing person may see (not
        a case they declared a conflict of interest in)."""
        cases = case_numbers(dataset)
        self._reports: dict[tuple[str, str], list[Report]] = {}
        for report in Report.objects.select_related("grant").filter(grant__case_number__in=cases):
            self._reports.setdefault((report.grant.case_number, report.kind), []).append(report)
        self._cases = set(
            Grant.objects.filter(case_number__in=cases).values_list("case_number", flat=True)
        )
        user = kwargs.get("user")
        self._visible = (
            set(
                grants_visible_to(user)
                .filter(case_number__in=cases)
                .values_list("case_number", flat=True)
            )
            if user is not None and user.is_authenticated and user.is_imdi_staff
            else None  # not staff: the service refuses every row
        )

    def row_read(self, row: dict, user: Any) -> RowPlan:
        errors = RowErrors()
        case = errors.read("saksnummer", row, parse_text, required=True)
        kind = errors.read("rapport", row, parse_choice, choices=ReportKind)
        day = errors.read("frist", row, parse_date)
        status = errors.read("status", row, parse_status)
        comment = errors.read("kommentar", row, parse_text)
        report = None
        if case and case not in self._cases:
            errors.add("saksnummer", _("No grant has the case number “%(case)s”.") % {"case": case})
        elif case and kind and day:
            reports = self._reports.get((case, kind), [])
            matches = [r for r in reports if r.due_date == day] or [
                r for r in reports if r.period_end == day
            ]
            if len(matches) == 1:
                report = matches[0]
            else:
                errors.add(
                    "frist",
                    _("%(case)s has no %(report)s due or ending on %(day)s.")
                    % {
                        "case": case,
                        "report": ReportKind(kind).label.lower(),
                        "day": day.strftime("%d.%m.%Y"),
                    },
                )
        if self._visible is not None and case in self._cases and case not in self._visible:
            errors.add(
                "saksnummer",
                _("%(case)s: you have declared a conflict of interest in the case.")
                % {"case": case},
            )
        if report is not None and status is not None:
            same = status == report.status
            if not same and status not in DECISIONS:
                errors.add(
                    "status",
                    _("Write godkjent or returnert: a report's status can be set to nothing else."),
                )
            elif same and status in DECISIONS and comment != report.review_comment:
                errors.add(
                    "kommentar",
                    _("The report is already “%(status)s”; its comment cannot be changed.")
                    % {"status": report.get_status_display()},
                )
            elif not same and status == ReportStatus.RETURNED and not comment:
                errors.add("kommentar", _("Say what must be corrected when sending a report back."))
        errors.raise_if_any()
        return RowPlan(
            instance=report,
            values={"status": status, "comment": comment},
            unchanged=status == report.status,
        )

    def row_write(self, plan: RowPlan, user: Any) -> Report:
        return report_review(
            report=plan.instance,
            by=user,
            approve=plan.values["status"] == ReportStatus.APPROVED,
            comment=plan.values["comment"],
        )

    def refusal_prefix(self, plan: RowPlan) -> str:
        report = plan.instance
        return f"{report.grant.case_number}, {report.get_kind_display().lower()}"
