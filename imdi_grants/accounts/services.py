"""Writes for users, organisations, memberships and invitations."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from imdi_grants.audit.services import audit_log
from imdi_grants.lib.identifiers import (
    normalise_bank_account_number,
    normalise_organisation_number,
)
from imdi_grants.lib.tasks import enqueue
from imdi_grants.lib.workflow import require_actor

from . import access
from .models import (
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    StaffRole,
    User,
    WrittenStandard,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


def _county_name(name: str) -> str:
    return f"{name} fylkeskommune"


@transaction.atomic
def organisations_load(
    *,
    municipalities_csv: Path = DATA_DIR / "municipalities-2024.csv",
    counties_csv: Path = DATA_DIR / "counties-2024.csv",
    decisions_csv: Path = DATA_DIR / "language-decisions-counties-2024.csv",
) -> LoadResult:
    """Load the 2024 municipalities and county municipalities; loading again changes nothing.

    A county with a single municipality (Oslo) is that municipality: one organisation that is
    both. What an administrator set by hand (målform, bank account, contact details, a missing
    organisation number) is kept.
    """
    with municipalities_csv.open(encoding="utf-8") as f:
        municipalities = list(csv.DictReader(f))
    with counties_csv.open(encoding="utf-8") as f:
        counties = list(csv.DictReader(f))

    per_county: dict[str, int] = {}
    for row in municipalities:
        per_county[row["county_number"]] = per_county.get(row["county_number"], 0) + 1

    created = updated = 0
    new_ids: list[int] = []

    def upsert(lookup: dict, values: dict) -> None:
        nonlocal created, updated
        organisation = Organisation.objects.filter(**lookup).first()
        if organisation is None:
            new_ids.append(Organisation.objects.create(**lookup, **values).pk)
            created += 1
            return
        changed = [k for k, v in values.items() if getattr(organisation, k) != v]
        if changed:
            for key in changed:
                setattr(organisation, key, values[key])
            organisation.save(update_fields=[*changed, "updated_at"])
            updated += 1

    for row in municipalities:
        values = {
            "name": f"{row['official_name']} kommune",
            "short_name": row["name"],
            "is_municipality": True,
            "is_county_municipality": per_county[row["county_number"]] == 1,
            "county_number": row["county_number"],
        }
        if row["organisation_number"]:
            values["organisation_number"] = normalise_organisation_number(
                row["organisation_number"]
            )
        upsert({"municipality_number": row["municipality_number"]}, values)

    for row in counties:
        if per_county.get(row["county_number"]) == 1:
            continue
        upsert(
            {"county_number": row["county_number"], "is_county_municipality": True},
            {"name": _county_name(row["name"]), "short_name": row["name"]},
        )
    _county_decisions_apply(path=decisions_csv, organisation_ids=new_ids)
    return LoadResult(created=created, updated=updated)


def _county_decisions_apply(*, path: Path, organisation_ids: list[int]) -> None:
    """The county municipalities' decisions on the written standard (Språkrådet's list), for
    the organisations this load created; a later change by an administrator is kept."""
    decisions = {"bokmål": "nb", "nynorsk": "nn", "nøytral": "neutral"}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter=";"):
            Organisation.objects.filter(
                pk__in=organisation_ids, county_number=row["nummer"], is_county_municipality=True
            ).update(written_standard=decisions[row["målform"]])


ORGANISATION_EDITABLE_FIELDS = (
    "written_standard",
    "organisation_number",
    "bank_account_number",
    "postal_address",
    "postal_code",
    "postal_place",
    "phone",
    "email",
)


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, by: User, **fields: str | None
) -> Organisation:
    """Change an organisation's contact details, bank account or written standard (målform)."""
    unknown = set(fields) - set(ORGANISATION_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if "organisation_number" in fields:
        number = fields["organisation_number"]
        fields["organisation_number"] = normalise_organisation_number(number) if number else None
    if fields.get("bank_account_number"):
        fields["bank_account_number"] = normalise_bank_account_number(fields["bank_account_number"])
    if "written_standard" in fields and fields["written_standard"] not in WrittenStandard.values:
        raise ValueError(f"Unknown written standard {fields['written_standard']!r}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changes = {
        key: {"from": getattr(organisation, key), "to": value}
        for key, value in fields.items()
        if getattr(organisation, key) != value
    }
    if not changes:
        return organisation
    for key in changes:
        setattr(organisation, key, fields[key])
    organisation.full_clean()
    organisation.save(update_fields=[*changes, "updated_at"])
    audit_log(
        subject=organisation,
        action="imdi.organisation.changed",
        actor=by,
        organisation=organisation,
        data={"changes": changes},
    )
    return organisation


def user_create(
    *,
    email: str,
    full_name: str = "",
    password: str | None = None,
    staff_role: str = "",
    job_title: str = "",
) -> User:
    """Create a user with a verified primary e-mail address; administrators may use the admin
    site."""
    is_admin = staff_role == StaffRole.ADMINISTRATOR
    user = User.objects.create_user(
        email,
        password,
        full_name=full_name,
        job_title=job_title,
        staff_role=staff_role,
        is_staff=is_admin,
        is_superuser=is_admin,
    )
    user_primary_email_confirm(user=user)
    return user


def user_primary_email_confirm(*, user: User) -> EmailAddress:
    """Make the address an administrator gave the user (``User.email``) their verified primary
    address: the invitation, or a reset link sent to it, is how they get a password, so it is
    theirs. Addresses the user adds later must be confirmed by e-mail before they log in with
    them (``ACCOUNT_EMAIL_VERIFICATION = "mandatory"``)."""
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        address = EmailAddress(user=user, email=user.email)
    EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
        primary=False
    )
    address.verified = True
    address.primary = True
    address.save()
    return address


@transaction.atomic
def membership_changes_audit(
    *,
    by: User,
    added: list[Membership],
    changed: list[tuple[Membership, str]],
    removed: list[tuple[Membership, str]],
) -> None:
    """Audit memberships changed in the admin: who may now act for which organisation, in which
    role, and what it was before."""
    rows = [(m, "", m.role) for m in added]
    rows += [(m, old, m.role) for m, old in changed]
    rows += [(m, old, "") for m, old in removed]
    for membership, old, new in rows:
        audit_log(
            subject=membership.organisation,
            action="imdi.organisation.membership_changed",
            actor=by,
            organisation=membership.organisation,
            data={"user": membership.user.email, "old_role": old, "new_role": new},
        )


def staff_access_audit(*, user: User, by: User, changes: dict[str, tuple[object, object]]) -> None:
    """Audit a change of a person's staff role or admin rights made in the admin."""
    audit_log(
        subject=user,
        action="imdi.security.staff_access_changed",
        actor=by,
        data={name: {"old": str(old), "new": str(new)} for name, (old, new) in changes.items()},
    )


def membership_set(*, user: User, organisation: Organisation, role: str) -> Membership:
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": MembershipRole(role)}
    )
    return membership


@transaction.atomic
def user_invite(
    *, organisation: Organisation, email: str, role: str, full_name: str, by: User
) -> Invitation:
    """Invite a person to act for an organisation: administrators to any role, caseworkers as
    signatory (``access.can_invite``). The e-mail with a link to set a password is sent by a
    task once this has committed; the audit entry names who invited whom, and to what role."""
    require_actor(access.can_invite(by, role))
    email = email.strip().lower()
    user = User.objects.filter(email=email).first() or user_create(email=email, full_name=full_name)
    membership_set(user=user, organisation=organisation, role=role)
    invitation = Invitation.objects.create(
        email=email, organisation=organisation, role=role, user=user, invited_by=by
    )
    audit_log(
        subject=organisation,
        action="imdi.invitation.created",
        actor=by,
        organisation=organisation,
        data={"email": email, "role": role},
    )
    from .tasks import invitation_send as invitation_send_task

    enqueue(invitation_send_task, invitation.pk)
    return invitation


def invitation_link(*, user: User) -> str:
    """A link to allauth's set-password page; it stops working once a password is set."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return settings.PORTAL_BASE_URL.rstrip("/") + path


@transaction.atomic
def invitation_send(*, invitation_id: int) -> bool:
    """Send the invitation e-mail in the organisation's written standard, once.

    Returns whether an e-mail was sent. The row lock and ``sent_at`` make a repeated task (a
    retry, a redelivery after a lost worker) a no-op.
    """
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation", "user", "invited_by")
        .get(pk=invitation_id)
    )
    if invitation.sent_at is not None:
        return False
    context = {
        "invitation": invitation,
        "link": invitation_link(user=invitation.user),
        "portal_name": settings.PORTAL_NAME,
    }
    with translation.override(invitation.organisation.letter_language):
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    audit_log(
        subject=invitation.organisation,
        action="imdi.invitation.sent",
        actor=None,
        organisation=invitation.organisation,
        data={"email": invitation.email},
    )
    return True


def _sessions_end(*, user: User) -> int:
    """Delete every stored session of ``user``; returns how many. Sessions are in the database
    (Django's default engine) and name their user only inside the encoded data."""
    from django.contrib.sessions.models import Session

    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> User:
    """Deactivate a user and end all their sessions at once, so that a browser left logged in
    (or a stolen session) cannot be used again, not even after the user is activated again.
    Only an administrator may; the audit entry says how many sessions ended."""
    require_actor(by.is_authenticated and (by.is_administrator or by.is_superuser))
    user = User.objects.select_for_update().get(pk=user.pk)
    was_active = user.is_active
    if was_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    ended = _sessions_end(user=user)
    audit_log(
        subject=user,
        action="imdi.security.user_deactivated",
        actor=by,
        data={"sessions_ended": ended, "was_active": was_active},
    )
    return user


def organisations_exported(*, by: User, search: str) -> None:
    """The organisations' list left the portal with their bank account numbers."""
    audit_log(
        subject=by,
        action="imdi.security.organisations_exported",
        actor=by,
        data={"search": search},
    )
