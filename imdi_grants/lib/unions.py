"""Rows of different tables in one UNION ALL query (the deadline lists)."""

from __future__ import annotations

from django.db.models import CharField, QuerySet, Value


def union_arm(qs: QuerySet, **columns: object) -> QuerySet:
    """``qs`` as rows of ``columns`` (name → expression, or a text constant) in the order given:
    one arm of a union, whose arms the database pairs by position."""
    expressions = {
        name: Value(value, output_field=CharField()) if isinstance(value, str) else value
        for name, value in columns.items()
    }
    return qs.order_by().annotate(**expressions).values(*expressions)
