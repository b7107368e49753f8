"""Lists leave the portal as CSV (with ``;``, as Norwegian spreadsheets expect) or XLSX, from a
tablib dataset (django-import-export), never carrying a formula."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from tablib import Dataset

FORMATS = ("csv", "xlsx")


def formula_safe(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
    leading apostrophe and arrives as text (OWASP "CSV injection")."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def dataset_response(dataset: Dataset, *, fmt: str, filename: str) -> HttpResponse:
    """The dataset as a download named ``filename.fmt``, formulas defused."""
    if fmt not in FORMATS:
        raise Http404
    for index, row in enumerate(dataset):
        dataset[index] = tuple(formula_safe(value) for value in row)
    if fmt == "csv":
        response = HttpResponse(
            dataset.export("csv", delimiter=";"), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            dataset.xlsx,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
