from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.formfields import MoneyField
from imdi_grants.lib.uploads import validate_upload
from schemes.models import ReportKind, SchemeCode

from .models import MANDATORY_COMPONENTS, ProgrammeComponent, Report, ReportStatus


class ReportForm(forms.Form):
    """The report with one pair of fields (participants, activities) per programme component."""

    participants = forms.IntegerField(
        label=_("Number of participants"), min_value=0, required=False
    )
    narrative = forms.CharField(
        label=_("How the work contributed to the scheme's result goals and how the grant was used"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    income = MoneyField(label=_("Booked income (NOK)"))
    expenses = MoneyField(label=_("Booked expenses (NOK)"))
    accounts_file = forms.FileField(
        label=_("Accounts on IMDi's form (XLSX)"),
        required=False,
        help_text=_("Optional: upload IMDi's accounting form filled in."),
    )

    def __init__(self, *args, report: Report, **kwargs):
        initial = kwargs.setdefault("initial", {})
        for key in ("participants", "narrative", "income", "expenses"):
            initial.setdefault(key, getattr(report, key))
        lines = {a.component: a for a in report.activities.all()}
        super().__init__(*args, **kwargs)
        if report.kind == ReportKind.STATUS:
            self.fields["narrative"].label = _(
                "How the project is being carried out: what is done, what is not, and why"
            )
        if report.needs_accounts_form:
            self.fields["accounts_file"].help_text = _(
                "Required: the project accounts on IMDi's reporting form for accounts (Rundskriv "
                "06/2024 point 9.1)."
            )
        self.component_fields = []
        for component in ProgrammeComponent if report.has_programme_components else ():
            mandatory = component in MANDATORY_COMPONENTS
            line = lines.get(component)
            count_name, text_name = f"{component}_participants", f"{component}_description"
            self.fields[count_name] = forms.IntegerField(
                label=_("Participants"),
                min_value=0,
                required=False,
                initial=line.participants if line else None,
            )
            self.fields[text_name] = forms.CharField(
                label=_("Activities"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=line.description if line else "",
            )
            self.component_fields.append((component, mandatory, self[count_name], self[text_name]))

    def clean_accounts_file(self):
        upload = self.cleaned_data.get("accounts_file")
        if upload:
            validate_upload(upload, allowed=("xlsx",))
        return upload

    def report_fields(self) -> dict:
        return {
            k: self.cleaned_data[k] for k in ("participants", "narrative", "income", "expenses")
        }

    def activities(self) -> dict[str, tuple[int, str]]:
        result = {}
        for component, _mandatory, _count, _text in self.component_fields:
            count = self.cleaned_data.get(f"{component}_participants")
            text = self.cleaned_data.get(f"{component}_description") or ""
            if count is not None or text:
                result[component.value] = (count or 0, text)
        return result


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Send back"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportListFilter(forms.Form):
    """The reports list's filter; every parameter parsed by a field, a bad one ignored."""

    q = forms.CharField(
        label=_("Search organisation or case number"), required=False, max_length=100
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Report"), required=False)
    scheme = forms.ChoiceField(label=_("Scheme"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *ReportStatus.choices]
        self.fields["kind"].choices = [("", _("All")), *ReportKind.choices]
        self.fields["scheme"].choices = [("", _("Both schemes")), *SchemeCode.choices]

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").replace("\x00", "").strip(),
            "status": data.get("status") or "",
            "kind": data.get("kind") or "",
            "scheme_code": data.get("scheme") or "",
            "year": data.get("year"),
            "overdue": bool(data.get("overdue")),
        }
