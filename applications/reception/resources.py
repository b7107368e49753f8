"""Agreements and their places in bulk, through django-import-export and its preview: one row
per municipality and the date from which a number of places applies. Each row goes through the
services (``agreement_register`` for a municipality without an agreement covering the date,
``place_count_set`` otherwise), so every change is checked by the same rules as in the portal
and audited; a row the rules refuse is listed with its number and the reason, in Norwegian, and
nothing is saved while any row is refused."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.widgets import DateWidget, IntegerWidget

from imdi_grants.accounts.models import Organisation
from imdi_grants.lib.imports import AllOrNothingMixin
from imdi_grants.lib.workflow import DomainError

from .models import PlaceCount, ReceptionAgreement
from .services import agreement_register, place_count_set


class PlaceCountResource(AllOrNothingMixin, resources.ModelResource):
    agreement = fields.Field(attribute="agreement_id", column_name="avtale")
    municipality_number = fields.Field(
        attribute="agreement__organisation__municipality_number",
        column_name="kommunenummer",
        readonly=True,
    )
    valid_from = fields.Field(
        attribute="valid_from", column_name="gjelder_fra", widget=DateWidget("%Y-%m-%d")
    )
    places = fields.Field(attribute="places", column_name="plasser", widget=IntegerWidget())
    agreement_end = fields.Field(
        attribute="agreement__end_date",
        column_name="avtale_til",
        widget=DateWidget("%Y-%m-%d"),
        readonly=True,
    )

    class Meta:
        model = PlaceCount
        fields = ("agreement", "municipality_number", "valid_from", "places", "agreement_end")
        export_order = fields
        import_id_fields = ("agreement", "valid_from")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def before_import(self, dataset, **kwargs: object) -> None:
        """The agreement is found from the municipality and the date (``before_import_row``);
        the file need not name it."""
        if "avtale" not in (dataset.headers or []):
            dataset.append_col([""] * len(dataset), header="avtale")

    def before_import_row(self, row: dict, **kwargs: object) -> None:
        """Find the municipality's agreement covering the date, or register it (the row's
        places are then its first count); say in Norwegian what is wrong with the row."""
        number = str(row.get("kommunenummer") or "").strip()
        organisation = Organisation.objects.filter(
            municipality_number=number, is_municipality=True
        ).first()
        if organisation is None:
            raise ValidationError(
                {
                    "kommunenummer": _("No municipality has the number “%(number)s”.")
                    % {"number": number}
                }
            )
        try:
            valid_from = DateWidget("%Y-%m-%d").clean(row.get("gjelder_fra"))
            places = IntegerWidget().clean(row.get("plasser"))
            end = (
                DateWidget("%Y-%m-%d").clean(row.get("avtale_til"))
                if row.get("avtale_til")
                else None
            )
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        if valid_from is None or places is None or places < 0:
            raise ValidationError(
                _("Give the date from which the places apply (YYYY-MM-DD) and a number of places.")
            )
        agreement = next(
            (
                a
                for a in ReceptionAgreement.objects.filter(organisation=organisation)
                if a.start_date <= valid_from and (a.end_date is None or valid_from <= a.end_date)
            ),
            None,
        )
        if agreement is None:
            try:
                agreement = agreement_register(
                    organisation=organisation,
                    start_date=valid_from,
                    end_date=end,
                    places=places,
                    by=kwargs["user"],
                )
            except DomainError as exc:
                raise ValidationError(str(exc)) from exc
        row["avtale"] = agreement.pk

    def save_instance(
        self, instance: PlaceCount, is_create: bool, row: dict, **kwargs: object
    ) -> None:
        """Through the service, never ``save()``: checked and audited as in the portal."""
        try:
            place_count_set(
                agreement=instance.agreement,
                valid_from=instance.valid_from,
                places=instance.places,
                by=kwargs["user"],
            )
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc
