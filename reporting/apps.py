from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from imdi_grants.audit.actions import register_statuses

        from .models import ReportStatus

        register_statuses(ReportStatus)
