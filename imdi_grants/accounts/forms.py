from __future__ import annotations

from typing import Any

from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.identifiers import (
    normalise_bank_account_number,
    normalise_organisation_number,
)

from .models import MembershipRole, Organisation, WrittenStandard


class OrganisationForm(forms.ModelForm):
    """Contact details, bank account and written standard; numbers may be typed with spaces or
    dots and are checked with their MOD11 check digit."""

    organisation_number = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        required=False,
        help_text=_("Nine digits."),
    )
    bank_account_number = forms.CharField(
        label=_("Bank account number"),
        max_length=20,
        required=False,
        help_text=_("Eleven digits, e.g. 1503.12.34562."),
    )
    written_standard = forms.ChoiceField(
        label=_("Written standard (målform)"),
        choices=WrittenStandard.choices,
        help_text=_("Letters and e-mails from IMDi to the organisation are written in it."),
    )

    class Meta:
        model = Organisation
        fields = (
            "written_standard",
            "organisation_number",
            "bank_account_number",
            "postal_address",
            "postal_code",
            "postal_place",
            "phone",
            "email",
        )

    def clean_organisation_number(self) -> str:
        value = self.cleaned_data["organisation_number"].strip()
        return normalise_organisation_number(value) if value else ""

    def clean_bank_account_number(self) -> str:
        value = self.cleaned_data["bank_account_number"].strip()
        return normalise_bank_account_number(value) if value else ""

    def clean_postal_code(self) -> str:
        value = self.cleaned_data["postal_code"].strip()
        if value and not (value.isdigit() and len(value) == 4):
            raise ValidationError(_("A postal code is four digits."))
        return value


class InvitationForm(forms.Form):
    """Who to invite and to what role; ``roles`` are those the inviter may give."""

    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MembershipRole.choices,
        help_text=_(
            "An applicant prepares applications and reports; a signatory (the director or an "
            "employee with authority) also approves and submits them."
        ),
    )

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        field.choices = [
            (value, label) for value, label in MembershipRole.choices if value in roles
        ]
        if len(roles) == 1:
            field.initial = roles[0]


class PasswordResetForm(ResetPasswordForm):
    """allauth's "forgot password" form, except that an address the user added and has not
    confirmed gets no reset link: otherwise whoever holds it could set the password and log in
    with the primary address, round the confirmation that logging in with it requires."""

    def clean_email(self) -> str:
        email = super().clean_email()
        unconfirmed = set(
            EmailAddress.objects.filter(
                user__in=self.users, email__iexact=email, verified=False
            ).values_list("user_id", flat=True)
        )
        self.users = [user for user in self.users if user.pk not in unconfirmed]
        return email
