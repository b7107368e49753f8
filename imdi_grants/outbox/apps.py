from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "imdi_grants.outbox"
    label = "outbox"
    verbose_name = _("E-mail outbox")

    def ready(self) -> None:
        from imdi_grants.audit.actions import register_statuses

        from .models import MessageStatus

        register_statuses(MessageStatus)

        from .pending import register

        register()
