"""Imports through django-import-export whose rows a service writes.

``ServiceRowResource`` is the base of an import that changes a case or the yearly configuration:
the resource reads and checks each row (``row_read``: every bad column of the row at once, named
by its column), the app's service writes it (``row_write``: the lock, the state machine, the
audit entry), and the whole file runs in one transaction that is rolled back when any row is
refused. The preview (a dry run) therefore does everything the import does and rolls it back; a
file with one bad row imports nothing and lists every bad row with its number, the column and
the reason. A row that asks for nothing new is skipped, so a file exported and imported again
changes nothing.

The cells are read by the small parsers below, which take what a CSV file or a spreadsheet
gives (text, numbers, dates) and say in the person's language what is wrong with a cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import resources, widgets

from .workflow import DomainError


@dataclass
class RowPlan:
    """What a row of the file asks for: the row it is about and its new ``values`` by name."""

    instance: models.Model
    values: dict[str, Any] = field(default_factory=dict)
    unchanged: bool = False


class AllOrNothingMixin:
    """For a ``ModelResource``: the import runs in one transaction, rolled back when any row is
    refused (django-import-export rolls back on a validation error only when asked). Every row
    is still checked, so the result lists every bad row."""

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )


def importing_user(kwargs: dict[str, Any]) -> Any:
    """Who imports (the admin passes ``user``); nobody is an anonymous user, whom every
    service's access rule refuses."""
    user = kwargs.get("user")
    return user if user is not None else AnonymousUser()


class ServiceRowResource(AllOrNothingMixin, resources.ModelResource):
    """A resource whose rows go through a service; see the module's docstring. A subclass
    gives ``row_read(row, user)`` → ``RowPlan`` (raising ``ValidationError({column: message})``)
    and ``row_write(plan, user)`` → the saved object (raising ``DomainError`` or
    ``ValidationError`` when a rule refuses)."""

    class Meta:
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        import_id_fields = ()

    #: The column a refusal of the service is shown under (None: the row as a whole).
    refusal_column: str | None = None

    # --- The subclass's part --------------------------------------------------------------

    def row_read(self, row: dict, user: Any) -> RowPlan:
        raise NotImplementedError

    def row_write(self, plan: RowPlan, user: Any) -> models.Model:
        raise NotImplementedError

    def refusal_prefix(self, plan: RowPlan) -> str:
        """What the row is about, before a refusal whose words do not say it."""
        return ""

    # --- django-import-export's hooks -------------------------------------------------------

    def before_import_row(self, row: dict, **kwargs: Any) -> None:
        self._plan = None
        self._plan = self.row_read(row, importing_user(kwargs))

    def get_or_init_instance(self, instance_loader, row):
        return self._plan.instance, self._plan.instance.pk is None

    def import_instance(self, instance, row, **kwargs):
        """Nothing is set from the columns here: ``row_write`` hands the values to the
        service."""

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return self._plan.unchanged

    def save_instance(self, instance, is_create, row, **kwargs):
        plan = self._plan
        try:
            saved = self.row_write(plan, importing_user(kwargs))
        except DomainError as exc:
            prefix = self.refusal_prefix(plan)
            message = f"{prefix}: {exc.message}" if prefix else exc.message
            raise ValidationError({self.refusal_column or NON_FIELD_ERRORS: [message]}) from exc
        except ValidationError as exc:
            raise ValidationError(self._by_column(exc)) from exc
        # The preview's "after" shows what the service saved.
        for model_field in saved._meta.concrete_fields:
            setattr(instance, model_field.attname, getattr(saved, model_field.attname))

    def _by_column(self, error: ValidationError) -> dict[str, list[str]]:
        """A model's validation error with each field named by its column in the file."""
        columns = {
            f.attribute.split("__")[0]: f.column_name for f in self.fields.values() if f.attribute
        }
        if not hasattr(error, "error_dict"):
            return {self.refusal_column or NON_FIELD_ERRORS: error.messages}
        return {columns.get(name, name): messages for name, messages in error.message_dict.items()}


class RowErrors:
    """The problems found in one row, by column; ``raise_if_any`` reports them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(str(message))

    def read(self, column: str, row: dict, parse, **kwargs: Any) -> Any:
        """``parse(row[column])``, or None with the parser's complaint noted."""
        try:
            return parse(row.get(column), **kwargs)
        except ValueError as exc:
            self.add(column, str(exc))
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


# --- Cells -------------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell as text: a spreadsheet's empty cell is None, a number may come as a float."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value: object, *, required: bool = True) -> dt.date | None:
    """YYYY-MM-DD (as exported) or DD.MM.YYYY (as a Norwegian spreadsheet writes it)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if not text:
        if required:
            raise ValueError(_("Give a date (YYYY-MM-DD)."))
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date: write YYYY-MM-DD.") % {"value": text})


def parse_decimal(value: object, *, required: bool = False) -> Decimal | None:
    """A number, with spaces between thousands and a decimal comma allowed."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = cell_text(value)
    for space in ("\u00a0", "\u202f", " "):
        text = text.replace(space, "")
    text = text.replace(",", ".")
    if not text:
        if required:
            raise ValueError(_("Give a number."))
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": cell_text(value)}) from None
    if not number.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": cell_text(value)})
    return number


def parse_int(value: object, *, required: bool = True) -> int | None:
    number = parse_decimal(value, required=required)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": cell_text(value)})
    return int(number)


YES = {"ja", "j", "yes", "y", "true", "sann", "1", "x"}
NO = {"nei", "n", "no", "false", "usann", "0"}


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(_("“%(value)s” is neither ja nor nei.") % {"value": cell_text(value)})


def parse_text(value: object, *, max_length: int | None = None, required: bool = False) -> str:
    text = cell_text(value)
    if required and not text:
        raise ValueError(_("This column cannot be empty."))
    if max_length is not None and len(text) > max_length:
        raise ValueError(
            _("At most %(max)s characters (this has %(length)s).")
            % {"max": max_length, "length": len(text)}
        )
    return text


_CHOICE_WORDS: dict[type, dict[str, str]] = {}


def choice_words(choices: type[models.TextChoices]) -> dict[str, str]:
    """Each choice by its code and by its label in Bokmål, Nynorsk and English, lower-cased."""
    if choices not in _CHOICE_WORDS:
        words = {}
        for language in ("en", "nn", "nb"):
            with translation.override(language):
                words.update({str(c.label).lower(): c.value for c in choices})
        words.update({c.value.lower(): c.value for c in choices})
        _CHOICE_WORDS[choices] = words
    return _CHOICE_WORDS[choices]


def parse_choice(value: object, *, choices: type[models.TextChoices]) -> str:
    text = cell_text(value)
    found = choice_words(choices).get(text.lower())
    if found is None:
        raise ValueError(
            _("“%(value)s” is not one of: %(codes)s.")
            % {"value": text, "codes": ", ".join(c.value for c in choices)}
        )
    return found


class YesNoWidget(widgets.Widget):
    """A yes/no column as "ja"/"nei" (read by ``parse_bool``)."""

    def render(self, value, obj=None, **kwargs):
        return "ja" if value else "nei"


def values_differ(instance: models.Model, values: dict[str, Any]) -> bool:
    return any(getattr(instance, name) != value for name, value in values.items())


def case_numbers(dataset, column: str = "saksnummer") -> Iterable[str]:
    """The case numbers a file names, to read their rows in one query."""
    if column not in (dataset.headers or []):
        return []
    return {cell_text(value) for value in dataset[column] if cell_text(value)}
