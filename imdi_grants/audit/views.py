"""The audit viewer: administrators search and export the trail across cases. Read-only: the
application offers no way to change or delete an entry."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.timezone import localtime
from django.views.decorators.http import require_GET
from tablib import Dataset

from imdi_grants.exports.services import export_request
from imdi_grants.lib.exports import FORMATS, dataset_response

from .forms import AuditFilter
from .selectors import audit_search
from .services import audit_log


def _administrator(request: HttpRequest) -> None:
    if not (request.user.is_authenticated and request.user.is_administrator):
        raise Http404


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    form = AuditFilter(request.GET or None)
    page = Paginator(audit_search(**form.filters()), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/audit_list.html",
        {"form": form, "page": page, "entries": page.object_list, "query": request.GET.urlencode()},
    )


HEADER = [
    "time",
    "by",
    "action",
    "what",
    "case_number",
    "organisation",
    "from_status",
    "to_status",
    "reason",
]


def export_rows(entries) -> Iterator[list[object]]:
    for entry in entries:
        yield [
            localtime(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor.email if entry.actor else "",
            entry.action,
            entry.display,
            entry.case_number,
            entry.organisation.name if entry.organisation else "",
            entry.old_status,
            entry.new_status,
            entry.reason,
        ]


@login_required
@require_GET
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Exactly what the filter shows, as CSV or XLSX; a large export is made in the
    background. The export is itself audited."""
    _administrator(request)
    if fmt not in FORMATS:
        raise Http404
    filters = AuditFilter(request.GET or None).filters()
    entries = audit_search(**filters)
    if entries.count() > settings.EXPORT_BACKGROUND_ROWS:
        job = export_request(
            kind="audit", params=dict(request.GET.lists()), fmt=fmt, by=request.user
        )
        return redirect("exports:detail", pk=job.pk)
    dataset = Dataset(headers=HEADER)
    for row in export_rows(entries):
        dataset.append(row)
    audit_log(
        subject=request.user,
        action="imdi.security.audit_exported",
        actor=request.user,
        data={"filters": {k: str(v) for k, v in filters.items()}, "rows": len(dataset)},
    )
    return dataset_response(dataset, fmt=fmt, filename="revisjonsspor")


def _entries_for(params: dict):
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values if isinstance(values, list) else [values])
    return audit_search(**AuditFilter(query or None).filters())


def register_export() -> None:
    from django.utils.translation import gettext_lazy as _

    from imdi_grants.exports.registry import ExportKind, export_register

    export_register(
        ExportKind(
            key="audit",
            label=_("Audit trail"),
            filename="revisjonsspor",
            may_export=lambda user: user.is_authenticated and user.is_administrator,
            count=lambda user, params: _entries_for(params).count(),
            header=lambda user, params: HEADER,
            rows=lambda user, params: export_rows(_entries_for(params).iterator(chunk_size=2000)),
        )
    )
