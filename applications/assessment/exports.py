"""The queue's export as a background export (``imdi_grants.exports``) when it is large: the
same filter, the same columns as the export made while one waits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from imdi_grants.accounts.models import Organisation
from imdi_grants.exports.registry import ExportKind, export_register

from . import access, forms, selectors
from .resources import QueueResource


def counties() -> list[tuple[str, str]]:
    return list(
        Organisation.objects.filter(is_county_municipality=True)
        .order_by("county_number")
        .values_list("county_number", "name")
    )


def queue_filter(data: QueryDict | None) -> forms.QueueFilter:
    return forms.QueueFilter(
        data or None,
        rounds=selectors.rounds(),
        staff=selectors.staff_users(),
        counties=counties(),
    )


def _rows_of(user: Any, params: dict) -> Any:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values if isinstance(values, list) else [values])
    return selectors.queue(user=user, **queue_filter(query).filters())


def _header(user: Any, params: dict) -> list[str]:
    return QueueResource(show_scores=access.is_lead(user)).get_export_headers()


def _rows(user: Any, params: dict) -> Iterator[list[Any]]:
    resource = QueueResource(show_scores=access.is_lead(user))
    for application in _rows_of(user, params).iterator(chunk_size=1000):
        yield resource.export_resource(application)


def register() -> None:
    export_register(
        ExportKind(
            key="assessment-queue",
            label=_("Applications in the queue"),
            filename="soknader",
            may_export=access.is_staff,
            count=lambda user, params: _rows_of(user, params).count(),
            header=_header,
            rows=_rows,
        )
    )
