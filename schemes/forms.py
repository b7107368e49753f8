"""The administrator's forms for a year's review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PublishForm(forms.Form):
    reviewed = forms.BooleanField(
        label=_("I have reviewed what differs from the year before"),
        error_messages={"required": _("Confirm that you have reviewed the year.")},
    )
    note = forms.CharField(
        label=_("Note for the audit trail"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example which circular the year follows, or what you checked."),
    )
