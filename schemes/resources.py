"""Import and export of yearly rates through django-import-export (with its preview)."""

from __future__ import annotations

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from .models import Scheme, SchemeYear
from .services import scheme_year_assert_editable


class SchemeYearResource(resources.ModelResource):
    """One row per scheme and year; a locked past year is refused row by row in the preview."""

    scheme = fields.Field(
        attribute="scheme", column_name="scheme", widget=ForeignKeyWidget(Scheme, field="code")
    )

    class Meta:
        model = SchemeYear
        import_id_fields = ("scheme", "year")
        fields = (
            "scheme",
            "year",
            "circular",
            "rate_per_place_per_month",
            "application_opens_on",
            "application_deadline",
            "acceptance_window_days",
            "grant_letter_target_date",
            "budget_frame",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def before_save_instance(self, instance: SchemeYear, row: dict, **kwargs: object) -> None:
        scheme_year_assert_editable(scheme_year=instance)
