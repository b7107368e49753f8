from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """IMDi's assessment of development-grant applications (Rundskriv 08-2025): the queue, the
    formal check, impartiality, scoring, ranking against the frame, and the decisions."""

    name = "applications.assessment"
    label = "assessment"
    verbose_name = _("Assessment of development-grant applications")

    def ready(self) -> None:
        from grants.registry import SchemeParts, scheme_register
        from imdi_grants.audit.actions import register_statuses
        from schemes.models import SchemeCode

        from .access import may_see_grant
        from .letters import award_case_url, award_letter_context, award_letter_details
        from .models import DecisionKind
        from .selectors import public_details

        register_statuses(DecisionKind)
        scheme_register(
            scheme_code=SchemeCode.DEVELOPMENT,
            parts=SchemeParts(
                letter_template="assessment/letters/award.html",
                letter_details=award_letter_details,
                letter_context=award_letter_context,
                case_url=award_case_url,
                may_see=may_see_grant,
                reactions_appealable=True,
                public_details=public_details,
            ),
        )

        from grants.registry import on_staff_conflicts

        from . import exports, pending, retention
        from .access import conflicted_grant_ids

        on_staff_conflicts(conflicted_grant_ids)

        exports.register()
        pending.register()
        retention.register()
