from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """IMDi's overview of a scheme year (money, statuses, deadlines) and the ministry's
    statistics. Reads every app; no app imports it (import-linter)."""

    name = "imdi_grants.oversight"
    label = "oversight"
    verbose_name = _("Oversight and statistics")
