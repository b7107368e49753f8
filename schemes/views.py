"""The administrator's pages for the yearly configuration: the years, one year, copying it to
the next year, and reviewing and publishing a copy. Editing the values stays in the admin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from imdi_grants.lib.workflow import DomainError

from . import selectors, services
from .forms import PublishForm
from .models import SchemeYear


def _year_for_administrator(request: HttpRequest, pk: int) -> SchemeYear:
    """The year, for an administrator; 404 to everyone else (staff and municipal users alike)."""
    if not request.user.is_administrator:
        raise Http404
    year = selectors.scheme_year_with_rows(pk=pk)
    if year is None:
        raise Http404
    return year


@login_required
def year_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_administrator:
        raise Http404
    return render(request, "schemes/year_list.html", {"years": selectors.scheme_years_overview()})


@login_required
def year_detail(request: HttpRequest, pk: int) -> HttpResponse:
    year = _year_for_administrator(request, pk)
    return render(
        request,
        "schemes/year_detail.html",
        {
            "year": year,
            "shown": selectors.scheme_year_shown(year=year),
            "next_year": selectors.scheme_year_neighbour(year=year, offset=1),
            "previous_year": selectors.scheme_year_neighbour(year=year, offset=-1),
        },
    )


@login_required
@require_POST
def year_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy the year to the next and go to the copy's review."""
    year = _year_for_administrator(request, pk)
    try:
        copy = services.scheme_year_copy(source=year, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("schemes:year_detail", pk=year.pk)
    messages.success(
        request,
        _(
            "%(year)s is created as a draft for review. Change what the new circular changes "
            "in the administration, then publish it here."
        )
        % {"year": copy},
    )
    return redirect("schemes:year_review", pk=copy.pk)


@login_required
def year_review(request: HttpRequest, pk: int) -> HttpResponse:
    """What differs from the year before, what is still missing, and publishing."""
    year = _year_for_administrator(request, pk)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_year_publish(
                year=year, by=request.user, reason=form.cleaned_data["note"]
            )
        except services.YearIncomplete:
            form.add_error(
                None, _("The year cannot be published until what is listed as missing is in place.")
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(year)s is published.") % {"year": year})
            return redirect("schemes:year_detail", pk=year.pk)
    return render(
        request,
        "schemes/year_review.html",
        {
            "year": year,
            "form": form,
            "previous_year": selectors.scheme_year_neighbour(year=year, offset=-1),
            "differences": selectors.scheme_year_differences(year=year),
            "problems": [] if year.is_published else selectors.scheme_year_problems(year=year),
        },
    )
