from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications and grants")

    def ready(self) -> None:
        from imdi_grants.audit.actions import register_statuses

        from .models import Status

        register_statuses(Status)
