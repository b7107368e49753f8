"""The integration reception grant up to the decision, and its changes after.

The offer's state machine (``OFFER_FLOW``): offered → acceptance letter submitted (by the
municipality's signatory) → granted (a caseworker issues the grant letter, which creates the
``grants.Grant`` with the amount computed month by month). Acceptance, lapse, payment and
repayment are the shared ``grants.services``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.access import can_sign as can_sign_grant
from grants.access import is_staff
from grants.models import Grant, GrantLetter, GrantStatus
from grants.services import (
    case_number_next,
    grant_create,
    grant_letter_change,
    grant_letter_issue,
)
from imdi_grants.accounts.access import is_member, is_signatory
from imdi_grants.accounts.models import Organisation, User
from imdi_grants.audit.services import audit_log
from imdi_grants.lib.uploads import upload_check, upload_quarantine_log
from imdi_grants.lib.workflow import DomainError, Workflow, lock, require, require_actor
from imdi_grants.outbox.services import organisation_notify
from schemes.models import SchemeYear

from .calculation import MonthLine, PlacePeriod, monthly_breakdown, yearly_amount
from .models import (
    AcceptanceLetter,
    ChangeRequest,
    ChangeRequestStatus,
    OfferStatus,
    PartnershipAgreement,
    PlaceCount,
    ReceptionAgreement,
    ReceptionOffer,
)


def _signatory(by: User | None, offer: ReceptionOffer) -> bool:
    return by is not None and is_signatory(by, offer.organisation)


OFFER_FLOW = Workflow(
    noun=_("The offer"),
    statuses=OfferStatus,
    transitions={
        (OfferStatus.OFFERED, OfferStatus.ACCEPTANCE_LETTER_SUBMITTED): _signatory,
        (OfferStatus.ACCEPTANCE_LETTER_SUBMITTED, OfferStatus.GRANTED): is_staff,
    },
)

CHANGE_FLOW = Workflow(
    noun=_("The change request"),
    statuses=ChangeRequestStatus,
    transitions={
        (ChangeRequestStatus.PENDING, ChangeRequestStatus.APPROVED): is_staff,
        (ChangeRequestStatus.PENDING, ChangeRequestStatus.REFUSED): is_staff,
    },
)

OFFER_RELATED = ("organisation", "scheme_year__scheme", "agreement", "grant")


@transaction.atomic
def agreement_register(
    *,
    organisation: Organisation,
    start_date: dt.date,
    end_date: dt.date | None,
    places: int,
    by: User,
) -> ReceptionAgreement:
    """Register a municipality's agreement on an integration reception centre with its places.
    Agreements of one municipality never overlap; the organisation's row is locked so that a
    double click or two caseworkers at once register it once."""
    require_actor(is_staff(by))
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    overlapping = organisation.reception_agreements.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start_date)
    )
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lte=end_date)
    existing = overlapping.order_by("start_date").first()
    require(
        existing is None,
        _(
            "%(organisation)s already has an integration reception agreement from %(start)s. "
            "Change its places or its end date instead of registering another."
        )
        % {
            "organisation": organisation,
            "start": existing.start_date.strftime("%d.%m.%Y") if existing else "",
        },
    )
    agreement = ReceptionAgreement.objects.create(
        organisation=organisation, start_date=start_date, end_date=end_date, created_by=by
    )
    PlaceCount.objects.create(agreement=agreement, valid_from=start_date, places=places)
    audit_log(
        subject=agreement,
        action="imdi.reception.agreement_registered",
        actor=by,
        organisation=organisation,
        data={"start_date": str(start_date), "places": places},
    )
    return agreement


@transaction.atomic
def place_count_set(
    *,
    agreement: ReceptionAgreement,
    valid_from: dt.date,
    places: int,
    by: User,
    change_request: ChangeRequest | None = None,
) -> PlaceCount:
    """Record a change in the number of places from a date (the history is kept). Once a grant
    exists for that year, its places change only through an approved change request, so a
    letter's amount never silently disagrees with the places behind it."""
    require_actor(is_staff(by))
    granted = agreement.offers.filter(scheme_year__year=valid_from.year, grant__isnull=False)
    require(
        change_request is not None or not granted.exists(),
        _(
            "A grant has been decided for %(year)s, so its places change only through a change "
            "request from the municipality that IMDi approves."
        )
        % {"year": valid_from.year},
    )
    before = (
        agreement.place_counts.filter(valid_from__lte=valid_from).order_by("-valid_from").first()
    )
    count, _created = PlaceCount.objects.update_or_create(
        agreement=agreement, valid_from=valid_from, defaults={"places": places}
    )
    audit_log(
        subject=agreement,
        action="imdi.reception.places_changed",
        actor=by,
        organisation=agreement.organisation,
        # "old_places": the number in force on that date before the change
        data={
            "valid_from": str(valid_from),
            "places": places,
            "old_places": before.places if before else None,
        },
    )
    return count


def agreement_end_date_check(*, agreement: ReceptionAgreement, end_date: dt.date | None) -> None:
    """Refuse an end date that would change the period of a year with a decided grant: that
    year's basis changes only through a change request (as its places, ``place_count_set``), so
    a letter's amount never silently disagrees with the agreement behind it."""
    old = agreement.end_date
    if old == end_date:
        return
    require(
        end_date is None or end_date >= agreement.start_date,
        _("The end date cannot be before the start date."),
    )
    # The days whose coverage changes: from the day after the earlier end to the later end
    # (open-ended when either is None).
    first = min(day for day in (old, end_date) if day is not None) + dt.timedelta(days=1)
    affected = agreement.offers.filter(grant__isnull=False, scheme_year__year__gte=first.year)
    if old is not None and end_date is not None:
        affected = affected.filter(scheme_year__year__lte=max(old, end_date).year)
    year = (
        affected.order_by("scheme_year__year").values_list("scheme_year__year", flat=True).first()
    )
    require(
        year is None,
        _(
            "A grant has been decided for %(year)s, so the agreement's end date cannot change "
            "that year's period. Its places change through a change request from the "
            "municipality that IMDi approves."
        )
        % {"year": year},
    )


@transaction.atomic
def agreement_end_date_set(
    *, agreement: ReceptionAgreement, end_date: dt.date | None, by: User
) -> ReceptionAgreement:
    """Change when an agreement ends (the grant is computed up to that day), with the old and
    the new date in the audit trail; the admin's change form saves through here."""
    require_actor(is_staff(by))
    agreement = lock(agreement, "organisation")
    old = agreement.end_date
    if old == end_date:
        return agreement
    agreement_end_date_check(agreement=agreement, end_date=end_date)
    agreement.end_date = end_date
    agreement.save(update_fields=["end_date"])
    audit_log(
        subject=agreement,
        action="imdi.reception.agreement_end_changed",
        actor=by,
        organisation=agreement.organisation,
        data={
            "changes": {
                "end_date": {
                    "from": old.isoformat() if old else None,
                    "to": end_date.isoformat() if end_date else None,
                }
            }
        },
    )
    return agreement


def partnership_agreement_register(
    *, organisation: Organisation, by: User, document: UploadedFile, **fields: object
) -> PartnershipAgreement:
    """Register the partnership agreement (partnerskapsavtale) with its signed PDF, checked and
    scanned before the transaction and stored under a name of our own; a quarantined PDF is
    kept but the agreement does not count (``valid_partnership_agreement``)."""
    require_actor(is_staff(by))
    checked = upload_check(document, allowed=("pdf",))
    with transaction.atomic():
        partnership = PartnershipAgreement(
            organisation=organisation,
            document_original_name=checked.name,
            **checked.scan.fields(prefix="document_"),
            **fields,
        )
        checked.store(partnership.document)
        partnership.save()
        audit_log(
            subject=partnership,
            action="imdi.reception.partnership_registered",
            actor=by,
            organisation=organisation,
            data={"valid_from": str(partnership.valid_from), "scan": checked.scan.status},
        )
        upload_quarantine_log(
            checked=checked, subject=partnership, by=by, organisation=organisation
        )
    return partnership


def valid_partnership_agreement(
    *, organisation: Organisation, start: dt.date, end: dt.date
) -> PartnershipAgreement | None:
    """A partnership agreement valid for the whole period the grant covers, whose signed PDF
    is not quarantined."""
    for agreement in organisation.partnership_agreements.all():
        if agreement.covers(start, end) and not agreement.document_quarantined:
            return agreement
    return None


def grant_period(*, year: int, agreement: ReceptionAgreement) -> tuple[dt.date, dt.date]:
    """The part of the year the integration reception agreement covers."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return max(agreement.start_date, first), min(agreement.end_date or last, last)


def offer_breakdown(*, offer: ReceptionOffer) -> list[MonthLine]:
    """The year's grant month by month, from the agreement's history of places."""
    scheme_year = offer.scheme_year
    return monthly_breakdown(
        year=scheme_year.year,
        rate_per_place_per_month=scheme_year.rate_per_place_per_month,
        periods=[
            PlacePeriod(valid_from=c.valid_from, places=c.places)
            for c in offer.agreement.place_counts.all()
        ],
        start=offer.agreement.start_date,
        end=offer.agreement.end_date,
    )


def grant_letter_details(grant: Grant) -> dict[str, object]:
    """The reception grant's part of a letter, as issued: the rate and the monthly breakdown."""
    offer = grant.reception_offer
    return {
        "rate": str(offer.scheme_year.rate_per_place_per_month),
        "lines": [
            [line.year, line.month, line.place_days, line.days, str(line.amount)]
            for line in offer_breakdown(offer=offer)
        ],
    }


def grant_letter_context(letter: GrantLetter) -> dict[str, object]:
    """The letter's rate and monthly breakdown as they were when it was issued."""
    details = letter.details
    return {
        "rate": Decimal(details["rate"]),
        "lines": [
            MonthLine(year=y, month=m, place_days=p, days=d, amount=Decimal(a))
            for y, m, p, d, a in details["lines"]
        ],
    }


def grant_case_url(grant: Grant) -> str:
    """The reception grant's case page is its offer's."""
    return reverse("reception:grant_detail", args=[grant.reception_offer.pk])


@transaction.atomic
def offer_send(*, organisation: Organisation, scheme_year: SchemeYear, by: User) -> ReceptionOffer:
    """Send the yearly offer (tilbudsbrev). Refused without an agreement covering the year or
    without a valid partnership agreement (the circular's conditions)."""
    require_actor(is_staff(by))
    year = scheme_year.year
    require(
        scheme_year.is_published,
        _("%(year)s is a draft under review; publish it before offers are sent.")
        % {"year": scheme_year},
    )
    agreement = next(
        (a for a in organisation.reception_agreements.all() if a.covers_year(year)), None
    )
    require(
        agreement is not None,
        _("%(organisation)s has no integration reception agreement in %(year)s.")
        % {"organisation": organisation, "year": year},
    )
    start, end = grant_period(year=year, agreement=agreement)
    require(
        valid_partnership_agreement(organisation=organisation, start=start, end=end) is not None,
        _(
            "%(organisation)s has no valid partnership agreement with the asylum reception "
            "centre, career centre and NAV office in %(year)s, so the grant cannot be offered."
        )
        % {"organisation": organisation, "year": year},
    )
    require(
        not ReceptionOffer.objects.filter(
            organisation=organisation, scheme_year=scheme_year
        ).exists(),
        _("%(organisation)s has already been offered the grant for %(year)s.")
        % {"organisation": organisation, "year": year},
    )
    offer = ReceptionOffer(
        organisation=organisation,
        scheme_year=scheme_year,
        agreement=agreement,
        case_number=case_number_next(year=year),
    )
    offer.amount = yearly_amount(offer_breakdown(offer=offer))
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError:  # another caseworker's offer committed first
        raise DomainError(
            _("%(organisation)s has already been offered the grant for %(year)s.")
            % {"organisation": organisation, "year": year}
        ) from None
    audit_log(
        subject=offer,
        action="imdi.reception.offered",
        actor=by,
        organisation=organisation,
        new_status=offer.status,
        data={"amount": str(offer.amount)},
    )
    organisation_notify(
        organisation=organisation,
        key=f"offer:{offer.pk}",
        template="reception/email/offer",
        context={
            "offer": offer,
            "link": settings.PORTAL_BASE_URL + reverse("reception:grant_detail", args=[offer.pk]),
        },
    )
    return offer


@transaction.atomic
def offers_send_all(
    *, scheme_year: SchemeYear, by: User
) -> tuple[list[ReceptionOffer], dict[Organisation, str]]:
    """Offer the grant to every municipality with an agreement covering the year that has not
    had the offer; returns the offers made and, per municipality, why one could not be made."""
    require_actor(is_staff(by))
    offered, refused = [], {}
    agreements = (
        ReceptionAgreement.objects.filter(start_date__year__lte=scheme_year.year)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    already = set(
        ReceptionOffer.objects.filter(scheme_year=scheme_year).values_list(
            "organisation_id", flat=True
        )
    )
    seen = set()
    for agreement in agreements:
        organisation = agreement.organisation
        if organisation.pk in already or organisation.pk in seen:
            continue
        if not agreement.covers_year(scheme_year.year):
            continue
        seen.add(organisation.pk)
        try:
            with transaction.atomic():
                offered.append(
                    offer_send(organisation=organisation, scheme_year=scheme_year, by=by)
                )
        except DomainError as exc:
            refused[organisation] = str(exc)
    return offered, refused


ACCEPTANCE_LETTER_FIELDS = (
    "municipality_name",
    "address",
    "phone",
    "email",
    "organisation_number",
    "bank_account_number",
    "contact_persons",
    "prerequisites",
    "earlier_grants",
)


def earlier_grants_text(*, organisation: Organisation, before_year: int) -> str:
    """Earlier IMDi grants to the organisation, from this system's own records, one per line
    with date and case number, for the acceptance letter."""
    grants = (
        Grant.objects.filter(
            organisation=organisation,
            scheme_year__year__lt=before_year,
            status__in=[GrantStatus.ACCEPTED, GrantStatus.PAID],
            letter_sent_on__isnull=False,
        )
        .select_related("scheme_year__scheme")
        .order_by("scheme_year__year", "case_number")
    )
    return "\n".join(
        f"{g.scheme_year.scheme.name} {g.scheme_year.year}: "
        f"{g.letter_sent_on:%d.%m.%Y}, saksnr. {g.case_number}"
        for g in grants
    )


def acceptance_letter_initial(*, offer: ReceptionOffer) -> dict[str, str]:
    """What the acceptance letter form starts with: the saved draft, or the registry's data."""
    letter = AcceptanceLetter.objects.filter(offer=offer).first()
    if letter is not None:
        return {field: getattr(letter, field) for field in ACCEPTANCE_LETTER_FIELDS}
    organisation = offer.organisation
    address = ", ".join(
        part
        for part in (
            organisation.postal_address,
            f"{organisation.postal_code} {organisation.postal_place}".strip(),
        )
        if part
    )
    return {
        "municipality_name": organisation.name,
        "address": address,
        "phone": organisation.phone,
        "email": organisation.email,
        "organisation_number": organisation.organisation_number or "",
        "bank_account_number": organisation.bank_account_number,
        "contact_persons": "",
        "prerequisites": "",
        "earlier_grants": earlier_grants_text(
            organisation=organisation, before_year=offer.scheme_year.year
        ),
    }


@transaction.atomic
def acceptance_letter_save(
    *, offer: ReceptionOffer, by: User, fields: dict[str, str]
) -> AcceptanceLetter:
    """Save the acceptance letter as a draft; any member of the municipality may prepare it."""
    offer = lock(offer, *OFFER_RELATED)
    require_actor(is_member(by, offer.organisation))
    require(offer.is_offered, _("The acceptance letter has already been submitted."))
    letter, _created = AcceptanceLetter.objects.update_or_create(offer=offer, defaults=fields)
    return letter


@transaction.atomic
def acceptance_letter_submit(
    *, offer: ReceptionOffer, by: User, fields: dict[str, str]
) -> AcceptanceLetter:
    """A signatory submits the acceptance letter (akseptbrev); an applicant may not."""
    offer = lock(offer, *OFFER_RELATED)
    OFFER_FLOW.check(offer, OfferStatus.ACCEPTANCE_LETTER_SUBMITTED, by=by)
    letter, _created = AcceptanceLetter.objects.update_or_create(
        offer=offer,
        defaults={**fields, "submitted_at": timezone.now(), "submitted_by": by},
    )
    OFFER_FLOW.move(
        offer,
        OfferStatus.ACCEPTANCE_LETTER_SUBMITTED,
        by=by,
        action="imdi.reception.acceptance_letter_submitted",
        organisation=offer.organisation,
    )
    return letter


@transaction.atomic
def offer_grant(*, offer: ReceptionOffer, by: User, seen: str | None = None) -> GrantLetter:
    """IMDi decides on the acceptance letter: the grant is created with the amount computed
    month by month and its first grant letter issued (rendered after commit)."""
    offer = lock(offer, *OFFER_RELATED)
    OFFER_FLOW.check(offer, OfferStatus.GRANTED, by=by, seen=seen)
    starts_on, ends_on = grant_period(year=offer.scheme_year.year, agreement=offer.agreement)
    require(
        valid_partnership_agreement(organisation=offer.organisation, start=starts_on, end=ends_on)
        is not None,
        _(
            "%(organisation)s has no partnership agreement valid from %(start)s to %(end)s, so "
            "the grant letter cannot be issued (Rundskriv 06/2024 point 3)."
        )
        % {
            "organisation": offer.organisation,
            "start": starts_on.strftime("%d.%m.%Y"),
            "end": ends_on.strftime("%d.%m.%Y"),
        },
    )
    amount = yearly_amount(offer_breakdown(offer=offer))
    grant = grant_create(
        case_number=offer.case_number,
        organisation=offer.organisation,
        scheme_year=offer.scheme_year,
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        bank_account_number=offer.acceptance_letter.bank_account_number,
        by=by,
    )
    offer.grant = grant
    offer.amount = amount
    OFFER_FLOW.move(
        offer,
        OfferStatus.GRANTED,
        by=by,
        action="imdi.reception.granted",
        organisation=offer.organisation,
        fields=["grant", "amount"],
        data={"amount": str(amount)},
    )
    return grant_letter_issue(grant=grant, by=by)


@transaction.atomic
def change_request_submit(
    *,
    grant: Grant,
    by: User,
    description: str,
    places: int | None = None,
    places_from: dt.date | None = None,
) -> ChangeRequest:
    """The municipality asks in writing to change the basis for the grant."""
    grant = lock(grant, "organisation")
    require_actor(can_sign_grant(by, grant))
    require(
        grant.status in (GrantStatus.LETTER_ISSUED, GrantStatus.ACCEPTED),
        _("A change can be requested once the grant letter has been sent."),
    )
    request = ChangeRequest.objects.create(
        grant=grant,
        description=description,
        places=places,
        places_from=places_from,
        requested_by=by,
    )
    audit_log(
        subject=grant,
        action="imdi.reception.change_requested",
        actor=by,
        organisation=grant.organisation,
        data={"places": places, "places_from": str(places_from) if places_from else None},
    )
    return request


@transaction.atomic
def change_request_decide(
    *,
    change_request: ChangeRequest,
    by: User,
    approve: bool,
    comment: str = "",
    seen: str | None = None,
) -> GrantLetter | None:
    """A caseworker approves or refuses a change request; approval records the new places and
    issues a new grant letter version with the new amount."""
    change_request = lock(change_request, "grant__organisation")
    grant = change_request.grant
    change_request.decided_by = by
    change_request.decided_at = timezone.now()
    change_request.decision_comment = comment
    CHANGE_FLOW.move(
        change_request,
        ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.REFUSED,
        by=by,
        action="imdi.reception.change_approved" if approve else "imdi.reception.change_refused",
        organisation=grant.organisation,
        subject=grant,
        fields=["decided_by", "decided_at", "decision_comment"],
        reason=comment,
        seen=seen,
    )
    if not approve:
        return None
    offer = grant.reception_offer
    if change_request.places is not None and change_request.places_from is not None:
        place_count_set(
            agreement=offer.agreement,
            valid_from=change_request.places_from,
            places=change_request.places,
            by=by,
            change_request=change_request,
        )
    amount = yearly_amount(offer_breakdown(offer=offer))
    return grant_letter_change(
        grant=grant, by=by, amount=amount, reason=comment or change_request.description
    )
