from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    """The development grant's application round (Rundskriv 08-2025)."""

    name = "applications.development"
    label = "development"
    verbose_name = _("Development-grant applications")

    def ready(self) -> None:
        from imdi_grants.audit.actions import register_statuses

        from .models import Status

        register_statuses(Status)

        from . import pending, retention

        pending.register()
        retention.register()
