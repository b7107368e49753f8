from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from imdi_grants.audit.selectors import audit_entries_for
from imdi_grants.lib.lists import list_export, list_page
from imdi_grants.lib.workflow import DomainError

from . import access, selectors, services
from .forms import InvitationForm, OrganisationForm
from .models import MembershipRole


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_imdi_staff:
        raise Http404
    from django import forms as django_forms

    try:  # a search that does not parse (e.g. a NUL character) is ignored
        search_field = django_forms.CharField(max_length=100, required=False)
        search = search_field.clean(request.GET.get("q", ""))
    except ValidationError:
        search = ""
    organisations = selectors.organisation_list(search=search)
    export = list_export(
        request,
        organisations,
        headers=[
            "navn",
            "kommunenummer",
            "fylkesnummer",
            "organisasjonsnummer",
            "målform",
            "kontonummer",
            "e-post",
            "brukere",
        ],
        row=lambda o: [
            o.name,
            o.municipality_number or "",
            o.county_number or "",
            o.organisation_number or "",
            o.written_standard,
            o.bank_account_number or "",
            o.email or "",
            o.member_count,
        ],
        filename="organisasjoner",
    )
    if export:  # bank account numbers leave the portal: audited
        services.organisations_exported(by=request.user, search=search)
        return export
    listing = list_page(request, organisations)
    return render(request, "accounts/organisation_list.html", {**listing, "search": search})


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for_user(request.user, pk)
    members = list(selectors.organisation_members(organisation=organisation))
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "has_signatory": any(m.role == MembershipRole.SIGNATORY for m in members),
            "can_edit": access.can_edit_organisation(request.user, organisation),
            "can_invite": access.can_invite(request.user),
            "can_invite_any_role": access.can_invite(request.user, MembershipRole.APPLICANT),
            "events": audit_entries_for(subject=organisation),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for_user(request.user, pk)
    if not access.can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The organisation's details are saved."))
            return redirect("accounts:organisation_detail", pk=organisation.pk)
    return render(
        request, "accounts/organisation_edit.html", {"organisation": organisation, "form": form}
    )


@login_required
def organisation_invite(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for_user(request.user, pk)
    roles = access.invitable_roles(request.user)
    if not roles:
        raise PermissionDenied
    initial = {"role": request.GET["role"]} if request.GET.get("role") in roles else {}
    form = InvitationForm(request.POST or None, roles=roles, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.user_invite(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
            status = 403 if exc.code == "forbidden" else 400
        else:
            messages.success(
                request,
                _("%(email)s is invited and will get an e-mail to set a password.")
                % {"email": invitation.email},
            )
            return redirect("accounts:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "accounts/organisation_invite.html",
        {"organisation": organisation, "form": form},
        status=status,
    )
