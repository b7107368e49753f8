from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    """Appeals (klage) against the individual decisions of the development grant: a dismissal
    of an application, and a reaction to a breach of conditions (withholding, reclaim)."""

    name = "applications.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        from grants.registry import on_close_check
        from imdi_grants.audit.actions import register_statuses

        from .models import AppealStatus
        from .selectors import appeals_keeping_open

        register_statuses(AppealStatus)
        on_close_check(lambda grant: appeals_keeping_open(grant=grant))

        from . import pending, retention

        pending.register()
        retention.register()
