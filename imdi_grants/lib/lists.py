"""What every list page does: 50 to a page, the filter kept in the links, and the same filtered
rows offered as CSV or XLSX (``?format=csv``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from tablib import Dataset

from .exports import FORMATS, dataset_response

PAGE_SIZE = 50


class NarrowPaginator(Paginator):
    """Picks the page's rows by their ids in a narrow subquery, then reads those rows with
    their joins and annotations: the database sorts ids, not thousands of wide joined rows
    (a deferred join). Still one query for the page."""

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = self.object_list
        if isinstance(rows, QuerySet) and not rows.query.distinct and top > bottom:
            ids = rows.values("pk")[bottom:top]
            return self._get_page(rows.filter(pk__in=ids), number, self)
        return super().page(number)


def list_page(request: HttpRequest, rows: QuerySet) -> dict[str, Any]:
    """The page asked for (a page number that does not parse gives the first or last), and
    the filter's query string without the page, for the export links."""
    page: Page = NarrowPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return {"page": page, "rows": page.object_list, "query": query.urlencode()}


def list_export(
    request: HttpRequest,
    rows: QuerySet,
    *,
    headers: list[str],
    row: Callable[[Any], Iterable[Any]],
    filename: str,
) -> HttpResponse | None:
    """The filtered rows, every page of them, when the request asks for a format; else None."""
    fmt = request.GET.get("format")
    if fmt not in FORMATS:
        return None
    dataset = Dataset(headers=headers)
    for obj in rows.iterator(chunk_size=2000) if not rows._prefetch_related_lookups else rows:
        dataset.append(list(row(obj)))
    return dataset_response(dataset, fmt=fmt, filename=filename)
