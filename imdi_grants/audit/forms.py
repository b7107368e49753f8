"""The audit viewer's filter: every parameter parsed by a field, so a bad one is ignored."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import ACTIONS, action_display


class AuditFilter(forms.Form):
    actor = forms.CharField(label=_("By (name or e-mail)"), required=False, max_length=100)
    action = forms.ChoiceField(label=_("What"), required=False)
    case_number = forms.CharField(label=_("Case number"), required=False, max_length=30)
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=100)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            ("", _("Everything")),
            *sorted(((code, action_display(code)) for code in ACTIONS), key=lambda c: c[1]),
        ]

    def filters(self) -> dict[str, Any]:
        """The valid filters; a value that does not parse is left out, never an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: data[name]
            for name in ("actor", "action", "case_number", "organisation", "since", "until")
            if data.get(name) and "\x00" not in str(data[name])
        }
