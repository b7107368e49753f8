"""IMDi's oversight of a scheme year and the ministry's statistics. Staff only (404 to anyone
else); read-only; every parameter parsed by a form, so a bad one is ignored."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from tablib import Dataset

from imdi_grants.lib.deadlines import today_in_oslo
from imdi_grants.lib.exports import FORMATS, dataset_response
from schemes.models import SchemeYear

from . import selectors
from .charts import bar_chart, timeline_chart
from .forms import SchemeYearFilter


def _staff(request: HttpRequest) -> None:
    if not request.user.is_imdi_staff:
        raise Http404


def _chosen(request: HttpRequest) -> tuple[SchemeYear | None, SchemeYearFilter]:
    """The scheme year asked for (or the default), and the filter showing what is shown."""
    years = selectors.scheme_years()
    year_numbers = sorted({row.year for row in years}, reverse=True)
    choice = SchemeYearFilter(request.GET or None, years=year_numbers).choice()
    scheme_year = selectors.scheme_year_chosen(years=years, today=today_in_oslo(), **choice)
    shown = (
        {"scheme": scheme_year.scheme.code, "year": scheme_year.year}
        if scheme_year
        else {"scheme": choice["scheme"]}
    )
    return scheme_year, SchemeYearFilter(shown, years=year_numbers)


def _query(scheme_year: SchemeYear) -> str:
    return f"scheme={scheme_year.scheme.code}&year={scheme_year.year}"


def _charts(board: selectors.Dashboard, today: dt.date) -> dict[str, Any]:
    series = [_("Awarded"), _("Paid")]
    charts: dict[str, Any] = {}
    areas = board.areas
    if areas:
        charts["area_chart"] = bar_chart(
            chart_id="chart-areas",
            title=_("Awarded and paid per focus area"),
            description=_(
                "A bar for the amount awarded and one for the amount paid in each focus area; "
                "the table next to the chart has the figures."
            ),
            series=series,
            rows=[(row.short_label, [row.figures.awarded, row.figures.paid]) for row in areas],
        )
    if board.counties:
        charts["county_chart"] = bar_chart(
            chart_id="chart-counties",
            title=_("Awarded and paid per county"),
            description=_(
                "A bar for the amount awarded and one for the amount paid in each county; "
                "the table next to the chart has the figures."
            ),
            series=series,
            rows=[(row.name, [row.figures.awarded, row.figures.paid]) for row in board.counties],
        )
    per_day = Counter(deadline.due for deadline in board.deadlines.upcoming)
    days = [today + dt.timedelta(days=n) for n in range(selectors.HORIZON_DAYS + 1)]
    charts["timeline"] = timeline_chart(
        chart_id="chart-deadlines",
        title=_("Deadlines in the next 30 days"),
        description=_(
            "A column for each day from today, as high as the number of deadlines that day; "
            "the table next to the chart lists the days with deadlines."
        ),
        counts=[(day, per_day.get(day, 0)) for day in days],
    )
    charts["timeline_days"] = [(day, per_day[day]) for day in days if per_day.get(day)]
    return charts


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """A scheme year at a glance: the frame and the money by focus area and county, cases and
    grants by status, and the deadlines overdue and in the next 30 days."""
    _staff(request)
    scheme_year, form = _chosen(request)
    context: dict[str, Any] = {"form": form, "scheme_year": scheme_year}
    if scheme_year is not None:
        today = today_in_oslo()
        board = selectors.dashboard(scheme_year=scheme_year, user=request.user, today=today)
        context.update(board=board, query=_query(scheme_year), today=today)
        context.update(_charts(board, today))
        shown = DASHBOARD_DEADLINES
        context["deadline_lists"] = {
            key: {"rows": rows[:shown], "more": max(len(rows) - shown, 0), "count": len(rows)}
            for key in DEADLINE_LISTS
            for rows in [getattr(board.deadlines, key)]
        }
    return render(request, "oversight/dashboard.html", context)


#: How many rows of each deadline list the dashboard shows; the rest are paged at ``deadlines``.
DASHBOARD_DEADLINES = 15
DEADLINE_LISTS = {
    "overdue": lambda: _("Overdue"),
    "upcoming": lambda: _("In the next 30 days"),
    "appeals_waiting": lambda: _("Appeals waiting for IMDi"),
}


@login_required
@require_GET
def deadlines(request: HttpRequest) -> HttpResponse:
    """One of the dashboard's deadline lists in full, 50 to a page."""
    _staff(request)
    scheme_year, form = _chosen(request)
    chosen = request.GET.get("liste", "")
    which = chosen if chosen in DEADLINE_LISTS else "overdue"
    context: dict[str, Any] = {"form": form, "scheme_year": scheme_year, "which": which}
    if scheme_year is not None:
        found = selectors.deadlines(
            scheme_year=scheme_year, user=request.user, today=today_in_oslo()
        )
        page = Paginator(getattr(found, which), 50).get_page(request.GET.get("page"))
        context.update(
            page=page,
            listing={"rows": page.object_list},
            truncated=found.truncated,
            title=DEADLINE_LISTS[which](),
            query=_query(scheme_year),
            lists=[(key, label()) for key, label in DEADLINE_LISTS.items()],
        )
    return render(request, "oversight/deadlines.html", context)


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """The ministry's figures for a scheme year, with their export."""
    _staff(request)
    scheme_year, form = _chosen(request)
    context: dict[str, Any] = {"form": form, "scheme_year": scheme_year}
    if scheme_year is not None:
        context.update(
            tables=selectors.statistics(scheme_year=scheme_year, today=today_in_oslo()),
            query=_query(scheme_year),
        )
    return render(request, "oversight/statistics.html", context)


def statistics_dataset(tables: list[selectors.StatTable]) -> Dataset:
    """The page's tables in one sheet: the table, the row, then every table's columns (blank
    where a table has no such column)."""
    keys: list[str] = []
    for table in tables:
        keys += [c.key for c in table.columns if c.key not in keys]
    dataset = Dataset(headers=["table", "group", *keys])
    for table in tables:
        for row in table.rows:
            values = [row.values.get(key) for key in keys]
            dataset.append([table.key, row.label, *("" if v is None else v for v in values)])
    return dataset


@login_required
@require_GET
def statistics_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Exactly what the statistics page shows, as CSV (``;``) or XLSX."""
    _staff(request)
    if fmt not in FORMATS:
        raise Http404
    scheme_year, _form = _chosen(request)
    if scheme_year is None:
        raise Http404
    tables = selectors.statistics(scheme_year=scheme_year, today=today_in_oslo())
    return dataset_response(
        statistics_dataset(tables),
        fmt=fmt,
        filename=f"statistikk-{scheme_year.scheme.code}-{scheme_year.year}",
    )
