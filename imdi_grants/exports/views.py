"""The person's own background exports: progress while being made, the file when ready."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import ExportJob, ExportStatus
from .services import export_downloaded


def _own(request: HttpRequest, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, requested_by=request.user)


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(ExportJob.objects.filter(requested_by=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "exports/export_list.html", {"page": page, "jobs": page.object_list})


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """While the export is being made the page reloads itself every few seconds (a meta
    refresh: no script), showing how far it has come."""
    return render(request, "exports/export_detail.html", {"job": _own(request, pk)})


@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    export_downloaded(job=job, by=request.user)
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1]
    )
