"""The queue as CSV or XLSX (django-import-export): exactly the rows the filter shows, with the
assessors, scores and decisions."""

from __future__ import annotations

from import_export import fields, resources

from applications.development.models import Application


class QueueResource(resources.ModelResource):
    case_number = fields.Field(attribute="case_number", column_name="saksnummer")
    title = fields.Field(attribute="title", column_name="prosjekttittel")
    organisation = fields.Field(attribute="organisation__name", column_name="søker")
    organisation_number = fields.Field(
        attribute="organisation__organisation_number", column_name="organisasjonsnummer"
    )
    county = fields.Field(attribute="organisation__county_number", column_name="fylkesnummer")
    focus_area = fields.Field(attribute="focus_area__number", column_name="satsingsområde")
    status = fields.Field(attribute="get_status_display", column_name="status")
    submitted = fields.Field(attribute="submitted_at", column_name="sendt_inn")
    applied = fields.Field(attribute="applied", column_name="søkt_beløp_år_1")
    assessors = fields.Field(column_name="saksbehandlere")
    score = fields.Field(column_name="poengsum")
    flagged = fields.Field(column_name="stor_spredning")
    proposed = fields.Field(column_name="foreslått_beløp")
    decision = fields.Field(column_name="vedtak")
    awarded = fields.Field(column_name="tilsagn_år_1")

    class Meta:
        model = Application
        fields = (
            "case_number",
            "title",
            "organisation",
            "organisation_number",
            "county",
            "focus_area",
            "status",
            "submitted",
            "applied",
            "assessors",
            "score",
            "flagged",
            "proposed",
            "decision",
            "awarded",
        )
        export_order = fields

    def __init__(self, *, show_scores: bool) -> None:
        super().__init__()
        self.show_scores = show_scores

    def dehydrate_assessors(self, application: Application) -> str:
        return ", ".join(
            a.assessor.full_name or a.assessor.email for a in application.assignments.all()
        )

    def _assessment(self, application: Application):
        return getattr(application, "assessment", None)

    def dehydrate_score(self, application: Application) -> object:
        assessment = self._assessment(application)
        if not self.show_scores or assessment is None:
            return ""
        if application.is_mine and not application.my_score_in:
            return ""  # the lead's own score is not in yet: scores stay independent
        return assessment.ranking_score if assessment.ranking_score is not None else ""

    def dehydrate_flagged(self, application: Application) -> str:
        assessment = self._assessment(application)
        return "ja" if assessment is not None and assessment.is_flagged else ""

    def dehydrate_proposed(self, application: Application) -> object:
        assessment = self._assessment(application)
        if assessment is None or assessment.proposed_amount is None:
            return ""
        return assessment.proposed_amount

    def dehydrate_decision(self, application: Application) -> str:
        decision = getattr(application, "decision", None)
        return decision.get_kind_display() if decision is not None else ""

    def dehydrate_awarded(self, application: Application) -> object:
        decision = getattr(application, "decision", None)
        return decision.amount if decision is not None and decision.amount is not None else ""
