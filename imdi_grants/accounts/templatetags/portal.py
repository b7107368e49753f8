"""Template helpers: Designsystemet form controls and Norwegian money."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from imdi_grants.lib.money import format_nok

register = template.Library()


@register.filter
def ds_widget(field: BoundField) -> SafeString:
    """The field's control with Designsystemet's class, invalid state and description link."""
    attrs: dict[str, str] = {"class": "ds-input"}
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_helptext"
    return field.as_widget(attrs=attrs)


@register.filter
def nok(value: Decimal | int | None) -> str:
    return format_nok(value)
