from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    """The integration reception grant (Rundskriv 06/2024, chapter 671 post 62)."""

    name = "applications.reception"
    label = "reception"
    verbose_name = _("Integration reception grant")

    def ready(self) -> None:
        from grants.registry import SchemeParts, scheme_register
        from imdi_grants.audit.actions import register_statuses
        from schemes.models import SchemeCode

        from .models import ChangeRequestStatus, OfferStatus
        from .services import grant_case_url, grant_letter_context, grant_letter_details

        register_statuses(OfferStatus)
        register_statuses(ChangeRequestStatus)
        scheme_register(
            scheme_code=SchemeCode.RECEPTION,
            parts=SchemeParts(
                letter_template="reception/grant_letter.html",
                letter_details=grant_letter_details,
                letter_context=grant_letter_context,
                case_url=grant_case_url,
            ),
        )
