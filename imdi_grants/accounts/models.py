"""People, the organisations they act for, and their roles.

Municipal staff act for an organisation (kommune or fylkeskommune) through a Membership with a
role; IMDi staff have a staff role on their user. Whom a view lets see what is decided in
``access.py``, nowhere else.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imdi_grants.lib.identifiers import (
    validate_bank_account_number,
    validate_organisation_number,
)


class StaffRole(models.TextChoices):
    """IMDi staff roles; municipal staff have none."""

    CASEWORKER = "caseworker", _("Caseworker")
    LEAD = "lead", _("Lead caseworker")
    ADMINISTRATOR = "administrator", _("Administrator")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("staff_role", StaffRole.ADMINISTRATOR)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address (no user names)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    staff_role = models.CharField(
        _("IMDi staff role"), max_length=20, choices=StaffRole.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("may use the administration site"),
        default=False,
        help_text=_("Set for administrators, who edit the yearly scheme configuration."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_imdi_staff(self) -> bool:
        return bool(self.staff_role)

    @property
    def is_caseworker(self) -> bool:
        return self.staff_role == StaffRole.CASEWORKER

    @property
    def is_administrator(self) -> bool:
        return self.staff_role == StaffRole.ADMINISTRATOR

    @property
    def is_lead_caseworker(self) -> bool:
        """Allocates the round's work, sets agreed scores and decides (fagansvarlig); an
        administrator may do the same."""
        return self.staff_role in (StaffRole.LEAD, StaffRole.ADMINISTRATOR)


class WrittenStandard(models.TextChoices):
    """Målform: the Language Act § 15 obliges IMDi to write to a municipality in the standard it
    has chosen. A neutral municipality is written to in Bokmål."""

    BOKMAL = "nb", _("Bokmål")
    NYNORSK = "nn", _("Nynorsk")
    NEUTRAL = "neutral", _("Neutral")


class Organisation(models.Model):
    """A municipality (kommune) or county municipality (fylkeskommune); Oslo is both."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100)
    is_municipality = models.BooleanField(_("municipality"), default=False)
    is_county_municipality = models.BooleanField(_("county municipality"), default=False)
    municipality_number = models.CharField(
        _("municipality number"), max_length=4, unique=True, null=True, blank=True
    )
    county_number = models.CharField(_("county number"), max_length=2)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_organisation_number],
    )
    bank_account_number = models.CharField(
        _("bank account number"),
        max_length=11,
        blank=True,
        validators=[validate_bank_account_number],
    )
    written_standard = models.CharField(
        _("written standard (målform)"),
        max_length=10,
        choices=WrittenStandard.choices,
        default=WrittenStandard.NEUTRAL,
    )
    postal_address = models.CharField(_("postal address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    postal_place = models.CharField(_("postal place"), max_length=100, blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_municipality=True) | Q(is_county_municipality=True),
                name="organisation_is_municipality_or_county",
            ),
            models.UniqueConstraint(
                fields=["county_number"],
                condition=Q(is_county_municipality=True),
                name="one_county_municipality_per_county",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def registry_number(self) -> str:
        """The municipality number, or for a county municipality its county number."""
        return self.municipality_number or self.county_number

    @property
    def letter_language(self) -> str:
        """The language code letters and e-mails to this organisation are written in."""
        return "nn" if self.written_standard == WrittenStandard.NYNORSK else "nb"


class MembershipRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    SIGNATORY = "signatory", _("Signatory")


class Membership(models.Model):
    """A person's role in an organisation.

    An *applicant* prepares applications and reports; a *signatory* (the director, or an employee
    with authority, fullmakt) also approves and submits on the organisation's behalf.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    """An administrator's invitation of a person to an organisation; the e-mail is sent once."""

    email = models.EmailField(_("e-mail address"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"
