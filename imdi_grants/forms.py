"""Forms of the pages the core owns (the start pages and the pending work)."""

from __future__ import annotations

from django import forms

from imdi_grants.lib.pending import pending_kind


class PendingRetryForm(forms.Form):
    kind = forms.CharField(max_length=40)
    row = forms.IntegerField(required=False, min_value=1)

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        try:
            pending_kind(kind)
        except KeyError:
            raise forms.ValidationError("unknown") from None
        return kind
