"""The assessment's forms: each keeps what was typed and says what is wrong in the user's
language; the rules themselves are in ``services.py``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from applications.development.models import Application, Status
from imdi_grants.accounts.models import User
from imdi_grants.lib.formfields import MoneyField, ReadOnceChoices, ReadOnceModelChoiceField
from schemes.models import FocusArea, SchemeYear

from .models import CRITERIA, FORMAL_CHECKS, PRIORITIES, Assessment, Score

SCORE_CHOICES = [("", "–")] + [(n, str(n)) for n in range(1, 7)]
QUEUE_STATUSES = [s for s in Status.choices if s[0] != Status.DRAFT]


class StaffChoiceField(ReadOnceChoices, forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class QueueFilter(forms.Form):
    """The queue's filters, all in the URL; a value that does not parse is ignored."""

    year = ReadOnceModelChoiceField(
        label=_("Round"), queryset=SchemeYear.objects.none(), required=False, empty_label=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    area = ReadOnceModelChoiceField(
        label=_("Focus area"),
        queryset=FocusArea.objects.none(),
        required=False,
        empty_label=_("All focus areas"),
    )
    county = forms.ChoiceField(label=_("County"), required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=100, required=False)
    assessor = ReadOnceModelChoiceField(
        label=_("Assessor"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Any assessor"),
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    flagged = forms.BooleanField(label=_("Flagged: large spread of scores"), required=False)
    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        help_text=_("Case number, organisation or title."),
    )
    order = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-submitted", _("Submitted, newest first")),
            ("submitted", _("Submitted, oldest first")),
            ("-score", _("Score, highest first")),
            ("score", _("Score, lowest first")),
            ("-applied", _("Amount applied for, highest first")),
            ("applied", _("Amount applied for, lowest first")),
        ],
    )

    def __init__(
        self,
        *args: Any,
        rounds: Any,
        staff: Any,
        counties: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The newest case of the round, read along the round's queue index (an EXISTS here
        # made PostgreSQL scan the whole table for a round without cases).
        newest_case = Application.objects.filter(
            scheme_year=OuterRef("pk"), case_number__isnull=False
        ).order_by("-submitted_at", "-pk")
        self.fields["year"].queryset = rounds.annotate(
            newest_case=Subquery(newest_case.values("pk")[:1])
        )
        self.fields["year"].label_from_instance = lambda sy: str(sy.year)
        self.fields["status"].choices = [("", _("All statuses")), *QUEUE_STATUSES]
        self.fields["county"].choices = [("", _("All counties")), *counties]
        self.fields["assessor"].queryset = staff
        self.fields["assessor"].label_from_instance = lambda u: u.full_name or u.email
        year = self._round = self._year()
        self.fields["year"].initial = year
        self.fields["area"].queryset = (
            FocusArea.objects.filter(scheme_year=year).order_by("number")
            if year
            else FocusArea.objects.none()
        )

    def _year(self) -> SchemeYear | None:
        rounds = list(self.fields["year"].queryset)  # read once; the control shows the same
        value = str(self.data.get("year") or "") if self.is_bound else ""
        if value.isascii() and value.isdigit() and 0 < int(value) < 2**31:
            found = next((r for r in rounds if r.pk == int(value)), None)
            if found:
                return found
        # The newest round that has received applications, else the newest.
        return next((r for r in rounds if r.newest_case), None) or (rounds[0] if rounds else None)

    def filters(self) -> dict[str, Any]:
        """The selector's arguments; an invalid value counts as not given."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "scheme_year": data.get("year") or self._round,
            "status": data.get("status") or "",
            "focus_area": data.get("area"),
            "county": data.get("county") or "",
            "organisation": (data.get("organisation") or "").strip(),
            "assessor": data.get("assessor"),
            "mine": bool(data.get("mine")),
            "flagged": bool(data.get("flagged")),
            "search": (data.get("q") or "").strip(),
            "order": data.get("order") or "-submitted",
        }


class FormalCheckForm(forms.ModelForm):
    prefix = "fc"

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Assessment
        fields = [*FORMAL_CHECKS, "check_notes"]
        widgets = {
            **{name: forms.CheckboxInput for name in FORMAL_CHECKS},
            "check_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in FORMAL_CHECKS:
            self.fields[name] = forms.BooleanField(label=self.fields[name].label, required=False)
        self.fields["version"].initial = self.instance.version


class DismissForm(forms.Form):
    prefix = "dm"

    grounds = forms.CharField(
        label=_("Grounds for the dismissal"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Stated in the letter: which condition the application does not meet."),
    )
    rules_applied = forms.CharField(
        label=_("Rules applied"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The circular's conditions and the sections of the law the dismissal rests on."
        ),
    )


class AssignForm(forms.Form):
    prefix = "as"

    assessors = StaffChoiceField(
        label=_("Assessors"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    per_application = forms.IntegerField(
        label=_("Assessors per application"), min_value=1, max_value=10
    )

    def __init__(self, *args: Any, staff: Any, per_application: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessors"].queryset = staff
        self.fields["per_application"].initial = per_application


class BulkAssignForm(AssignForm):
    applications = forms.ModelMultipleChoiceField(
        label=_("Applications"),
        queryset=Application.objects.none(),
        widget=forms.MultipleHiddenInput,
    )

    def __init__(self, *args: Any, applications: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = applications


class ScoreForm(forms.ModelForm):
    prefix = "sc"

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Score
        fields = [field for name in CRITERIA for field in (name, f"{name}_note")] + list(PRIORITIES)
        widgets = {f"{name}_note": forms.Textarea(attrs={"rows": 3}) for name in CRITERIA}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in CRITERIA:
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label,
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                help_text=_("1 is weakest, 6 is strongest."),
            )
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0


class AgreedScoreForm(forms.Form):
    prefix = "ag"

    version = forms.IntegerField(widget=forms.HiddenInput)
    purpose = forms.TypedChoiceField(label=_("Purpose"), choices=SCORE_CHOICES[1:], coerce=int)
    capacity = forms.TypedChoiceField(
        label=_("Implementation capacity"), choices=SCORE_CHOICES[1:], coerce=int
    )
    transfer = forms.TypedChoiceField(
        label=_("National transfer value"), choices=SCORE_CHOICES[1:], coerce=int
    )
    comment = forms.CharField(
        label=_("Comment on the agreed score"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    prefix = "cm"

    text = forms.CharField(
        label=_("New internal comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by IMDi's staff only, never by the applicant."),
    )


class ProposedAmountForm(forms.Form):
    prefix = "pa"

    version = forms.IntegerField(widget=forms.HiddenInput)
    amount = MoneyField(label=_("Proposed amount for the first year (NOK)"), required=True)


class AwardForm(forms.Form):
    prefix = "aw"

    amount = MoneyField(label=_("Amount awarded for the first year (NOK)"), required=True)
    special_conditions = forms.CharField(
        label=_("Special conditions"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "Conditions for this project only, for example about deliveries; stated in "
            "the grant letter."
        ),
    )

    def __init__(self, *args: Any, later_years: list[tuple[int, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for year, applied in later_years:
            self.fields[f"planned_{year}"] = MoneyField(
                label=_("Planned for %(year)s (NOK), subject to the appropriation")
                % {"year": year},
                initial=applied,
            )
        self.later_years = [year for year, _applied in later_years]

    def planned_years(self) -> dict[int, Any]:
        return {year: self.cleaned_data.get(f"planned_{year}") or 0 for year in self.later_years}


class RefuseForm(forms.Form):
    prefix = "rf"

    grounds = forms.CharField(
        label=_("Grounds for the refusal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Stated in the letter, for example how the application ranked in its area."),
    )


class BudgetMoveForm(forms.Form):
    prefix = "bm"

    from_area = forms.ModelChoiceField(
        label=_("From focus area"), queryset=FocusArea.objects.none()
    )
    to_area = forms.ModelChoiceField(label=_("To focus area"), queryset=FocusArea.objects.none())
    amount = MoneyField(label=_("Amount (NOK)"), required=True)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, scheme_year: SchemeYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = FocusArea.objects.filter(scheme_year=scheme_year).order_by("number")
        self.fields["from_area"].queryset = areas
        self.fields["to_area"].queryset = areas


class DeclarationFilter(forms.Form):
    conflict = forms.ChoiceField(
        label=_("Declaration"),
        required=False,
        choices=[
            ("", _("All declarations")),
            ("yes", _("Conflicts of interest")),
            ("no", _("No conflict")),
        ],
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Case number, organisation or person."),
    )

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        conflict = data.get("conflict")
        return {
            "has_conflict": {"yes": True, "no": False}.get(conflict),
            "search": (data.get("q") or "").strip(),
        }
