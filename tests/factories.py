from __future__ import annotations

import factory

from imdi_grants.accounts.models import (
    Membership,
    MembershipRole,
    Organisation,
    StaffRole,
    User,
)
from imdi_grants.accounts.services import user_primary_email_confirm

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.no")
    full_name = factory.Faker("name", locale="no_NO")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def primary_email(obj, create, extracted, **kwargs):
        """A verified primary address, as ``user_create`` gives every user; logging in with an
        unconfirmed one is refused."""
        if create:
            user_primary_email_confirm(user=obj)


class CaseworkerFactory(UserFactory):
    staff_role = StaffRole.CASEWORKER


class AdministratorFactory(UserFactory):
    staff_role = StaffRole.ADMINISTRATOR
    is_staff = True
    is_superuser = True


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testkommune {n} kommune")
    short_name = factory.Sequence(lambda n: f"Testkommune {n}")
    is_municipality = True
    municipality_number = factory.Sequence(lambda n: f"{9000 + n}")
    county_number = "33"


class CountyMunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testfylke {n} fylkeskommune")
    short_name = factory.Sequence(lambda n: f"Testfylke {n}")
    is_county_municipality = True
    county_number = factory.Sequence(lambda n: f"{60 + n % 40}")  # two digits, none real


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(MunicipalityFactory)
    role = MembershipRole.APPLICANT


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A development-grant draft; pass ``focus_area`` (from the seeded 2025 round)."""

    class Meta:
        model = "development.Application"

    scheme_year = factory.SelfAttribute("focus_area.scheme_year")
    organisation = factory.SubFactory(MunicipalityFactory)
    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Prosjekt {n}")
