from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "imdi_grants.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from .views import register_export

        register_export()
