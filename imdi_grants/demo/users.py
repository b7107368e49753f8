"""Demo users, one per role, for trying the portal.

Loaded only in demo mode, never in production.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from imdi_grants.accounts.models import (
    MembershipRole,
    Organisation,
    StaffRole,
    User,
    WrittenStandard,
)
from imdi_grants.accounts.services import membership_set, user_create

DEMO_PASSWORD = "imdi-demo"

DEMO_USERS = [
    # email, full name, job title, staff role, (municipality or county number, role)
    ("applicant@drammen.example", "Anne Andersen", "Prosjektleder", "", ("3301", "applicant")),
    ("signatory@drammen.example", "Sigurd Solberg", "Kommunedirektør", "", ("3301", "signatory")),
    ("applicant@buskerud.example", "Berit Berg", "Rådgiver", "", ("33", "applicant")),
    ("caseworker@imdi.example", "Kari Saksbehandler", "Seniorrådgiver", "caseworker", None),
    ("caseworker2@imdi.example", "Per Saksbehandler", "Rådgiver", "caseworker", None),
    ("caseworker3@imdi.example", "Siri Saksbehandler", "Rådgiver", "caseworker", None),
    ("lead@imdi.example", "Lars Fagansvarlig", "Fagdirektør", "lead", None),
    ("admin@imdi.example", "Ada Administrator", "Seksjonssjef", "administrator", None),
]


def _organisation(number: str) -> Organisation:
    if len(number) == 4:
        return Organisation.objects.get(municipality_number=number)
    return Organisation.objects.get(county_number=number, is_county_municipality=True)


@transaction.atomic
def demo_users_load() -> list[User]:
    """Create the demo users and their memberships; running it again changes nothing."""
    if not settings.DEMO_MODE:
        raise RuntimeError(
            "Demo data is loaded only in demo mode (DEMO_MODE), never in production."
        )
    users = []
    for email, full_name, job_title, staff_role, membership in DEMO_USERS:
        user = User.objects.filter(email=email).first() or user_create(
            email=email,
            full_name=full_name,
            job_title=job_title,
            password=DEMO_PASSWORD,
            staff_role=StaffRole(staff_role) if staff_role else "",
        )
        if membership:
            number, role = membership
            membership_set(user=user, organisation=_organisation(number), role=MembershipRole(role))
        users.append(user)
    Organisation.objects.filter(municipality_number="3301", postal_address="").update(
        postal_address="Postboks 7500",
        postal_code="3008",
        postal_place="Drammen",
        phone="32 04 00 00",
        email="postmottak@drammen.example",
        bank_account_number="15031234562",
        written_standard=WrittenStandard.BOKMAL,
    )
    return users
