from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from grants.registry import on_close_check, on_grant_accepted, on_payment_check
        from imdi_grants.audit.actions import register_statuses

        from .models import ReportStatus
        from .selectors import reports_holding_back, reports_keeping_open
        from .services import reports_create_for_grant

        register_statuses(ReportStatus)
        on_grant_accepted(lambda grant: reports_create_for_grant(grant=grant))
        on_payment_check(lambda payments: reports_holding_back(payments=payments))
        on_close_check(lambda grant: reports_keeping_open(grant=grant))

        from .retention import register

        register()
