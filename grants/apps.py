from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    """What both schemes share once IMDi has decided: the grant, its letters, acceptance and
    lapse, payments and repayments."""

    name = "grants"
    verbose_name = _("Grants")

    def ready(self) -> None:
        from imdi_grants.audit.actions import register_statuses

        from .models import GrantStatus, LetterStatus, PaymentStatus, ReactionStatus

        register_statuses(GrantStatus)
        register_statuses(LetterStatus)
        register_statuses(PaymentStatus)
        register_statuses(ReactionStatus)

        from .pending import register

        register()
