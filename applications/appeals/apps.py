from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    """Appeals (klage) against the individual decisions of the development grant: a dismissal
    of an application, and a reaction to a breach of conditions (withholding, reclaim)."""

    name = "applications.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        from imdi_grants.audit.actions import register_statuses

        from .models import AppealStatus

        register_statuses(AppealStatus)
