"""Writes to the yearly configuration: seeding, copying a year to the next and publishing it,
demo years, and the lock on past years."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imdi_grants.accounts.models import User
from imdi_grants.audit.services import audit_log
from imdi_grants.lib.deadlines import today_in_oslo
from imdi_grants.lib.workflow import DomainError, lock, require, require_actor

from .models import (
    SCHEME_YEAR_COPIED_FIELDS,
    SCHEME_YEAR_DATE_FIELDS,
    BasicAmount,
    FocusArea,
    PaymentTerm,
    ReportDeadline,
    Scheme,
    SchemeYear,
    is_calendar_date,
    shift_years,
    year_row_fields,
)
from .selectors import scheme_year_differences, scheme_year_problems

SEED_FILE = Path(__file__).resolve().parent / "data" / "schemes.json"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class SeedResult:
    created: int


@transaction.atomic
def schemes_seed(*, path: Path = SEED_FILE) -> SeedResult:
    """Create the schemes and the configured years from the seed file; never overwrite what an
    administrator has since changed, so running it again is harmless."""
    data = json.loads(path.read_text(encoding="utf-8"))
    created = 0
    for row in data["schemes"]:
        _scheme, was_created = Scheme.objects.get_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )
        created += was_created
    for row in data["years"]:
        scheme = Scheme.objects.get(code=row["scheme"])
        if SchemeYear.objects.filter(scheme=scheme, year=row["year"]).exists():
            continue
        year = SchemeYear.objects.create(
            scheme=scheme,
            year=row["year"],
            circular=row.get("circular", ""),
            rate_per_place_per_month=(
                Decimal(row["rate_per_place_per_month"])
                if row.get("rate_per_place_per_month")
                else None
            ),
            application_opens_on=_date(row.get("application_opens_on")),
            application_deadline=_date(row.get("application_deadline")),
            acceptance_window_days=row.get("acceptance_window_days", 14),
            grant_letter_target_date=_date(row.get("grant_letter_target_date")),
            budget_frame=Decimal(row["budget_frame"]) if row.get("budget_frame") else None,
            budget_authority_name=row.get("budget_authority_name", ""),
            budget_authority_title=row.get("budget_authority_title", ""),
            # The official years of the circulars: open to applicants as they are.
            published_at=timezone.now(),
        )
        created += 1
        for deadline in row.get("report_deadlines", []):
            ReportDeadline.objects.create(
                scheme_year=year,
                kind=deadline["kind"],
                period_start=_date(deadline.get("period_start")),
                period_end=_date(deadline.get("period_end")),
                due_date=_date(deadline["due_date"]),
            )
        for term in row.get("payment_terms", []):
            PaymentTerm.objects.create(
                scheme_year=year,
                kind=term["kind"],
                pay_on=_date(term["pay_on"]),
                share_percent=Decimal(term.get("share_percent", "100")),
            )
        for area in row.get("focus_areas", []):
            FocusArea.objects.create(scheme_year=year, **area)
    for row in data["basic_amounts"]:
        _basic, was_created = BasicAmount.objects.get_or_create(
            valid_from=_date(row["valid_from"]), defaults={"amount": Decimal(row["amount"])}
        )
        created += was_created
    return SeedResult(created=created)


def _row_copy(row: models.Model, *, to: SchemeYear, years: int) -> models.Model:
    """A focus area, report deadline or payment term of a year as ``to``'s, dates moved on."""
    return type(row)(
        scheme_year=to,
        **{
            field.name: (
                shift_years(getattr(row, field.name), years)
                if is_calendar_date(field)
                else getattr(row, field.name)
            )
            for field in year_row_fields(type(row))
        },
    )


def _copy_year(*, source: SchemeYear, year: int, is_demo: bool) -> SchemeYear:
    """``source``'s configuration as ``year``'s: every value carried over and every date moved on
    by the years between (29 February to 28 February), with its report deadlines, payment terms
    and focus areas (names, descriptions and reasons in Bokmål and Nynorsk, budgets). The copy is
    a draft, published by its caller. The one copier for the administrator's copy and the demo's
    years."""
    years = year - source.year
    target = SchemeYear.objects.create(
        scheme=source.scheme,
        year=year,
        is_demo=is_demo,
        **{field: getattr(source, field) for field in SCHEME_YEAR_COPIED_FIELDS},
        **{field: shift_years(getattr(source, field), years) for field in SCHEME_YEAR_DATE_FIELDS},
    )
    for model, rows in (
        (ReportDeadline, source.report_deadlines.order_by("due_date")),
        (PaymentTerm, source.payment_terms.order_by("pay_on")),
        (FocusArea, source.focus_areas.order_by("number")),
    ):
        model.objects.bulk_create([_row_copy(row, to=target, years=years) for row in rows])
    return target


@transaction.atomic
def scheme_year_copy(*, source: SchemeYear, by: User) -> SchemeYear:
    """Next year's configuration from ``source``, as a draft for review: the administrator
    changes what the new circular changes instead of typing every value again, sees what
    differs from ``source`` and publishes it. Until then no applicant sees its round."""
    require_actor(by.is_authenticated and by.is_administrator)
    source = lock(source, "scheme")
    year = source.year + 1
    exists = _(
        "%(year)s already exists, so the year before cannot be copied to it. Open it and "
        "change it there."
    ) % {"year": f"{source.scheme} {year}"}
    require(not SchemeYear.objects.filter(scheme_id=source.scheme_id, year=year).exists(), exists)
    try:
        with transaction.atomic():  # a year added in the admin at the same moment
            target = _copy_year(source=source, year=year, is_demo=source.is_demo)
    except IntegrityError:
        raise DomainError(exists) from None
    audit_log(
        subject=target,
        action="imdi.scheme_year.copied",
        actor=by,
        data={"from_year": source.year, "from_id": source.pk},
    )
    return target


class YearIncomplete(DomainError):
    """Publishing refused: the year lacks something obvious. ``messages`` has one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.messages = problems
        super().__init__(" ".join(problems))


@transaction.atomic
def scheme_year_publish(*, year: SchemeYear, by: User, reason: str = "") -> SchemeYear:
    """An administrator publishes a reviewed year: from now its round is open to applicants on
    its own dates. Refused while something obvious is missing (``scheme_year_problems``), so no
    municipality meets a half-made round. The audit entry names what differed from the year
    before."""
    require_actor(by.is_authenticated and by.is_administrator)
    year = lock(year, "scheme")
    require(
        not year.is_published,
        _("%(year)s is already published.") % {"year": year},
        code="stale",
    )
    problems = scheme_year_problems(year=year)
    if problems:
        raise YearIncomplete(problems)
    year.published_at = timezone.now()
    year.published_by = by
    year.save(update_fields=["published_at", "published_by"])
    audit_log(
        subject=year,
        action="imdi.scheme_year.published",
        actor=by,
        reason=reason,
        data={"differences": [d.key for d in scheme_year_differences(year=year)]},
    )
    return year


@transaction.atomic
def demo_years_configure(*, today: dt.date | None = None) -> list[SchemeYear]:
    """Configure the current and the coming year of each scheme from its latest official year,
    with every date moved forward and marked as demo values, so every flow can be tried today.
    The demo years are published at once: the demo round must be open."""
    day = today or today_in_oslo()
    made = []
    for scheme in Scheme.objects.all():
        source = (
            scheme.years.filter(is_demo=False, published_at__isnull=False).order_by("-year").first()
        )
        if source is None:
            continue
        for year in (day.year, day.year + 1):
            if year > source.year and not scheme.years.filter(year=year).exists():
                target = _copy_year(source=source, year=year, is_demo=True)
                if not target.budget_authority_name:
                    target.budget_authority_name = "Demo Direktør"
                    target.budget_authority_title = "Avdelingsdirektør (demo)"
                target.published_at = timezone.now()
                target.save(
                    update_fields=[
                        "budget_authority_name",
                        "budget_authority_title",
                        "published_at",
                    ]
                )
                made.append(target)
    return made


#: What a grant letter states and a payment follows: after the first letter of a year, these
#: change only through an explicit, audited amendment (``scheme_year_amend``).
FROZEN_AFTER_LETTERS = frozenset({"rate_per_place_per_month", "acceptance_window_days"})


def scheme_year_assert_editable(
    *,
    scheme_year: SchemeYear,
    changed: Iterable[str] | None = None,
    today: dt.date | None = None,
) -> None:
    """Refuse changes to a past year once letters have been issued on it: those letters and the
    amounts in them must keep meaning what they said. In the year itself, after the first
    letter, the rate and the deadlines (``changed`` names the fields; None: anything, as the
    inline rows of deadlines and payment terms) change only by amending the year."""
    if scheme_year.pk is None:
        return
    stored = SchemeYear.objects.get(pk=scheme_year.pk)
    if stored.letters_issued_at is None:
        return
    day = today or today_in_oslo()
    if stored.year < day.year:
        raise ValidationError(
            _(
                "%(year)s is a past year and letters have been issued on its configuration, so "
                "it can no longer be changed. Make a correction in a new letter instead."
            ),
            code="scheme_year_locked",
            params={"year": stored.year},
        )
    if changed is None or FROZEN_AFTER_LETTERS & set(changed):
        raise ValidationError(
            _(
                "Grant letters have been issued on %(year)s, so its rate, deadlines and payment "
                "terms change only by amending the year, which shows the letters and payments "
                "the change affects."
            ),
            code="scheme_year_frozen",
            params={"year": stored.year},
        )


@transaction.atomic
def scheme_year_amend(
    *,
    scheme_year: SchemeYear,
    by: User,
    values: dict[str, object],
    reason: str,
    affected: list[str],
) -> SchemeYear:
    """Amend a year after its first letters (an administrator, with a reason): the values
    change, and the audit entry names the letters and payments it affects (``affected``, from
    the caller that can see them). Issued letters keep their amounts until a changed letter."""
    require_actor(by.is_authenticated and by.is_administrator)
    unknown = set(values) - FROZEN_AFTER_LETTERS
    if unknown:
        raise ValueError(f"Not amendable: {sorted(unknown)}")
    require(bool(reason.strip()), _("Give a reason for amending the year."))
    scheme_year = SchemeYear.objects.select_for_update().get(pk=scheme_year.pk)
    require(
        scheme_year.year >= today_in_oslo().year or scheme_year.letters_issued_at is None,
        _(
            "%(year)s is a past year and letters have been issued on its configuration, so "
            "it can no longer be changed. Make a correction in a new letter instead."
        )
        % {"year": scheme_year.year},
    )
    old = {name: str(getattr(scheme_year, name)) for name in values}
    for name, value in values.items():
        setattr(scheme_year, name, value)
    scheme_year.full_clean()
    scheme_year.save(update_fields=list(values))
    audit_log(
        subject=scheme_year,
        action="imdi.scheme_year.amended",
        actor=by,
        reason=reason,
        data={
            "old": old,
            "new": {name: str(value) for name, value in values.items()},
            "affected": affected,
        },
    )
    return scheme_year


@transaction.atomic
def scheme_year_save(*, scheme_year: SchemeYear, by: User, changed: list[str]) -> SchemeYear:
    """Save an administrator's change to a year's configuration, with an audit entry."""
    require_actor(by.is_authenticated and by.is_administrator)
    if scheme_year.pk is not None:
        SchemeYear.objects.select_for_update().get(pk=scheme_year.pk)
    scheme_year_assert_editable(scheme_year=scheme_year, changed=changed)
    scheme_year.full_clean()
    scheme_year.save()
    audit_log(
        subject=scheme_year,
        action="imdi.scheme_year.changed",
        actor=by,
        data={"fields": changed},
    )
    return scheme_year


#: A row of a year's configuration, as the audit trail names it.
YEAR_ROW_NAMES = {
    FocusArea: "focus_area",
    ReportDeadline: "report_deadline",
    PaymentTerm: "payment_term",
}


def _audited(value: object) -> object:
    return value if value is None or isinstance(value, bool | int | str) else str(value)


@transaction.atomic
def year_row_save(
    *, row: FocusArea | ReportDeadline | PaymentTerm, by: User
) -> FocusArea | ReportDeadline | PaymentTerm:
    """Save one row of a year's configuration (a focus area, a report deadline or a payment
    term, new or changed) for an administrator, by the admin's rules: refused on a year whose
    letters lock it (``scheme_year_assert_editable``), every text in Bokmål and Nynorsk, and the
    focus areas' budgets within the round's frame. The audit entry names the row and each
    field's old and new value."""
    require_actor(by.is_authenticated and by.is_administrator)
    year = SchemeYear.objects.select_for_update().get(pk=row.scheme_year_id)
    scheme_year_assert_editable(scheme_year=year)
    names = [field.name for field in year_row_fields(type(row))]
    before = type(row).objects.filter(pk=row.pk).values(*names).first() if row.pk else None
    row.full_clean()
    if isinstance(row, FocusArea):
        others = year.focus_areas.exclude(pk=row.pk).values_list("budget_amount", flat=True)
        area_budgets_check(frame=year.budget_frame, budgets=[*others, row.budget_amount])
    row.save()
    changes = {
        name: {
            "from": None if before is None else _audited(before[name]),
            "to": _audited(getattr(row, name)),
        }
        for name in names
        if before is None or before[name] != getattr(row, name)
    }
    audit_log(
        subject=year,
        action="imdi.scheme_year.changed",
        actor=by,
        data={
            "row": YEAR_ROW_NAMES[type(row)],
            "id": row.pk,
            "created": before is None,
            "changes": changes,
        },
    )
    return row


def area_budgets_check(*, frame: Decimal | None, budgets: Iterable[Decimal | None]) -> None:
    """The focus areas' budgets cannot add up to more than the round's frame (Rundskriv 08-2025:
    "til sammen inntil 51,5 mill. kroner ... fordelt på satsingsområdene")."""
    total = sum((b for b in budgets if b is not None), Decimal("0"))
    if frame is None and total:
        raise ValidationError(
            _("Set the round's budget frame before giving the focus areas budgets."),
            code="area_budgets_without_frame",
        )
    if frame is not None and total > frame:
        raise ValidationError(
            _(
                "The focus areas' budgets add up to %(total)s kr, more than the round's frame of "
                "%(frame)s kr."
            ),
            code="area_budgets_over_frame",
            params={
                "total": f"{total:,.0f}".replace(",", "\u00a0"),
                "frame": f"{frame:,.0f}".replace(",", "\u00a0"),
            },
        )


def scheme_year_mark_letters_issued(*, scheme_year: SchemeYear, at: dt.datetime) -> None:
    """Called by the letter services when the first letter is issued on a year."""
    SchemeYear.objects.filter(pk=scheme_year.pk, letters_issued_at__isnull=True).update(
        letters_issued_at=at
    )
