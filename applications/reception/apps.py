from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    """The integration reception grant (Rundskriv 06/2024, chapter 671 post 62)."""

    name = "applications.reception"
    label = "reception"
    verbose_name = _("Integration reception grant")

    def ready(self) -> None:
        from imdi_grants.audit.actions import register_statuses

        from .models import GrantStatus

        register_statuses(GrantStatus)
