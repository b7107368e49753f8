from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    """Large exports built in the background, with progress, offered for download when ready."""

    name = "imdi_grants.exports"
    label = "exports"
    verbose_name = _("Exports")

    def ready(self) -> None:
        from imdi_grants.audit.actions import register_statuses

        from . import registry
        from .models import ExportStatus

        register_statuses(ExportStatus)
        registry.register_housekeeping()
