from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AidOutcome, AppealStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Your appeal"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Say which decision you appeal, what you want changed, and why. The appeal is sent "
            "to IMDi; if IMDi keeps its decision, the Ministry of Labour and Social Inclusion "
            "(AID) decides it."
        ),
    )
    files = MultipleFileField(
        label=_("Attachments (PDF or DOCX)"),
        required=False,
    )


class ReverseForm(forms.Form):
    grounds = forms.CharField(
        label=_("Why IMDi reverses its decision"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ForwardForm(forms.Form):
    preparation = forms.CharField(
        label=_("IMDi's preparation of the case for AID"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The facts of the case and why IMDi keeps its decision (fvl § 33)."),
    )
    forwarded_on = forms.DateField(
        label=_("Sent to AID on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AidOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("AID's outcome"), choices=AidOutcome.choices)
    decided_on = forms.DateField(
        label=_("AID decided on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("About AID's decision"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AppealFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *AppealStatus.choices],
    )
    late = forms.BooleanField(label=_("Lodged after the deadline"), required=False)

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"status": data.get("status") or "", "late": bool(data.get("late"))}
