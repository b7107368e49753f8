"""The administrator's year (issue 11): next year's configuration copied from this year's, with
every date a year on, reviewed against the year before and published before applicants see it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from applications.development.services import application_create
from imdi_grants.audit.models import AuditEntry
from imdi_grants.lib.workflow import DomainError
from schemes.models import FocusArea, PaymentTerm, SchemeCode, SchemeYear
from schemes.selectors import (
    focus_area_is_open_to,
    focus_areas_open_to,
    rounds_open,
    scheme_year_differences,
    scheme_year_get,
    scheme_year_problems,
)
from schemes.services import (
    YearIncomplete,
    demo_years_configure,
    scheme_year_copy,
    scheme_year_publish,
)

OSLO = dt.timezone(dt.timedelta(hours=1))


def _development_2025() -> SchemeYear:
    return scheme_year_get(scheme_code=SchemeCode.DEVELOPMENT, year=2025)


def _reception_2024() -> SchemeYear:
    return scheme_year_get(scheme_code=SchemeCode.RECEPTION, year=2024)


def _complete(year: SchemeYear) -> SchemeYear:
    """What the circulars leave out and a letter needs: the signer."""
    year.budget_authority_name = "Kari Nordmann"
    year.budget_authority_title = "Avdelingsdirektør"
    year.save(update_fields=["budget_authority_name", "budget_authority_title"])
    return year


def _with_area_budgets(year: SchemeYear) -> None:
    for area in year.focus_areas.all():
        area.budget_amount = Decimal("10000000")
        area.save(update_fields=["budget_amount"])


# --- Copying -------------------------------------------------------------------------------


def test_the_copy_moves_every_date_a_year_on_and_keeps_the_texts_in_both_standards(
    seeded, administrator
):
    source = _development_2025()
    source.assessors_per_application = 3
    source.save(update_fields=["assessors_per_application"])
    _with_area_budgets(source)

    copy = scheme_year_copy(source=source, by=administrator)

    assert (copy.scheme, copy.year) == (source.scheme, 2026)
    assert copy.application_deadline == dt.date(2026, 2, 19)
    assert copy.budget_frame == Decimal("51500000")
    assert copy.assessors_per_application == 3
    assert copy.circular == source.circular
    assert not copy.is_published and copy.published_by is None
    assert not copy.is_demo
    deadlines = {
        d.kind: (d.period_start, d.period_end, d.due_date) for d in copy.report_deadlines.all()
    }
    assert deadlines == {
        "status": (dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 9, 1)),
        "annual": (dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2027, 2, 1)),
    }
    terms = {t.kind: (t.pay_on, t.share_percent) for t in source.payment_terms.all()}
    assert {t.kind: (t.pay_on, t.share_percent) for t in copy.payment_terms.all()} == {
        kind: (day.replace(year=day.year + 1), share) for kind, (day, share) in terms.items()
    }
    fields = [
        "number", "kind", "name", "name_nn", "description", "description_nn",
        "open_to_municipalities", "open_to_county_municipalities", "is_open",
        "closed_reason", "closed_reason_nn", "budget_amount",
    ]  # fmt: skip
    rows = lambda year: list(year.focus_areas.order_by("number").values_list(*fields))  # noqa: E731
    assert rows(copy) == rows(source) and len(rows(copy)) == 5
    assert all(row[3] and (row[5] or not row[4]) for row in rows(copy)), "texts also in Nynorsk"
    # The source is untouched.
    assert FocusArea.objects.filter(scheme_year=source).count() == 5
    entry = AuditEntry.objects.get(action="imdi.scheme_year.copied")
    assert (entry.actor, entry.object_id, entry.data["from_year"]) == (
        administrator,
        copy.pk,
        2025,
    )


def test_29_february_becomes_28_february(seeded, administrator):
    source = _reception_2024()
    assert source.grant_letter_target_date == dt.date(2024, 2, 29)
    copy = scheme_year_copy(source=source, by=administrator)
    assert copy.grant_letter_target_date == dt.date(2025, 2, 28)
    assert copy.rate_per_place_per_month == Decimal("2141")
    assert sorted(d.due_date for d in copy.report_deadlines.filter(kind="half_year")) == [
        dt.date(2025, 8, 31),
        dt.date(2026, 1, 31),
    ]


def test_copying_to_a_year_that_exists_is_refused(seeded, administrator):
    source = _reception_2024()
    scheme_year_copy(source=source, by=administrator)
    with translation.override("en"), pytest.raises(DomainError) as info:
        scheme_year_copy(source=source, by=administrator)
    assert "2025 already exists" in str(info.value)
    assert SchemeYear.objects.filter(scheme=source.scheme, year=2025).count() == 1
    assert AuditEntry.objects.filter(action="imdi.scheme_year.copied").count() == 1


def test_only_an_administrator_copies_and_publishes(seeded, administrator, caseworker, applicant):
    for person in (caseworker, applicant):
        with pytest.raises(DomainError) as info:
            scheme_year_copy(source=_reception_2024(), by=person)
        assert info.value.code == "forbidden"
    copy = _complete(scheme_year_copy(source=_reception_2024(), by=administrator))
    for person in (caseworker, applicant):
        with pytest.raises(DomainError) as info:
            scheme_year_publish(year=copy, by=person)
        assert info.value.code == "forbidden"
    copy.refresh_from_db()
    assert not copy.is_published


# --- What differs ---------------------------------------------------------------------------


def test_a_plain_copy_differs_in_nothing(seeded, administrator):
    for source in (_reception_2024(), _development_2025()):
        copy = scheme_year_copy(source=source, by=administrator)
        assert scheme_year_differences(year=copy) == []
    assert scheme_year_differences(year=_reception_2024()) == [], "no year before 2024"


def test_the_differences_show_a_changed_rate_and_a_changed_focus_area_text(seeded, administrator):
    reception = scheme_year_copy(source=_reception_2024(), by=administrator)
    reception.rate_per_place_per_month = Decimal("2200")
    reception.save(update_fields=["rate_per_place_per_month"])
    with translation.override("en"):
        (rate,) = scheme_year_differences(year=reception)
    assert rate.key == "year.rate_per_place_per_month"
    assert (rate.change, rate.previous, rate.current) == (
        "changed",
        "2\xa0141\xa0kr",
        "2\xa0200\xa0kr",
    )
    assert rate.field == "rate per place per month (NOK)"

    development = scheme_year_copy(source=_development_2025(), by=administrator)
    area = development.focus_areas.get(number=2)
    old_text = area.description_nn
    area.description_nn = "Ny tekst på nynorsk for 2026."
    area.save(update_fields=["description_nn"])
    with translation.override("en"):
        (text,) = scheme_year_differences(year=development)
    assert text.key == "focus_area:2.description_nn"
    assert (text.part, text.previous, text.current) == (
        "Focus area 2",
        old_text,
        "Ny tekst på nynorsk for 2026.",
    )

    # A date moved by other than a year, a term removed and an area added are differences too.
    development.application_deadline = dt.date(2026, 2, 20)
    development.save(update_fields=["application_deadline"])
    PaymentTerm.objects.filter(scheme_year=development, kind="autumn").delete()
    FocusArea.objects.create(scheme_year=development, number=6, name="Nytt", name_nn="Nytt")
    keys = {(d.key, d.change) for d in scheme_year_differences(year=development)}
    assert keys == {
        ("year.application_deadline", "changed"),
        ("focus_area:2.description_nn", "changed"),
        ("payment_term:autumn", "removed"),
        ("focus_area:6", "added"),
    }


# --- Not open until published -----------------------------------------------------------------


def test_a_year_under_review_is_not_open_to_applicants(
    seeded, administrator, municipality, applicant, time_machine
):
    time_machine.move_to(dt.datetime(2026, 1, 15, 12, 0, tzinfo=OSLO))
    draft = scheme_year_copy(source=_development_2025(), by=administrator)
    area = draft.focus_areas.get(number=1)

    assert draft not in rounds_open(on=dt.date(2026, 1, 15))
    assert focus_areas_open_to(scheme_year=draft, organisation=municipality) == []
    assert not focus_area_is_open_to(area, municipality)
    with translation.override("en"), pytest.raises(DomainError) as info:
        application_create(organisation=municipality, focus_area=area, by=applicant)
    assert "not open yet" in str(info.value)
    client_page = _applicant_start_page(applicant)
    assert "2026" not in client_page

    _complete(draft)
    scheme_year_publish(year=draft, by=administrator)
    assert draft in rounds_open(on=dt.date(2026, 1, 15))
    area.refresh_from_db()
    assert focus_area_is_open_to(area, municipality)
    application = application_create(organisation=municipality, focus_area=area, by=applicant)
    assert application.scheme_year == draft


def _applicant_start_page(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(reverse("development:create")).content.decode()


# --- Publishing -----------------------------------------------------------------------------


def test_publishing_refuses_an_incomplete_year(seeded, administrator):
    draft = scheme_year_copy(source=_development_2025(), by=administrator)
    draft.application_deadline = None
    draft.save(update_fields=["application_deadline"])
    area = draft.focus_areas.get(number=5)
    area.description_nn = ""
    area.save(update_fields=["description_nn"])

    with translation.override("en"):
        problems = scheme_year_problems(year=draft)
        with pytest.raises(YearIncomplete) as info:
            scheme_year_publish(year=draft, by=administrator)
    assert info.value.messages == problems
    assert problems == [
        "Name the person with budget authority who signs the year's letters.",
        "Set the application deadline.",
        "Focus area 5: “description” is given in Bokmål but not in Nynorsk.",
    ]
    draft.refresh_from_db()
    assert not draft.is_published
    assert not AuditEntry.objects.filter(action="imdi.scheme_year.published").exists()

    _complete(draft)
    draft.application_deadline = dt.date(2026, 2, 18)
    draft.save(update_fields=["application_deadline"])
    area.description_nn = "Skildring på nynorsk."
    area.save(update_fields=["description_nn"])
    FocusArea.objects.filter(scheme_year=draft).update(is_open=False)
    with translation.override("en"):
        assert scheme_year_problems(year=draft) == [
            "Add the round's focus areas: none is open to applicants."
        ]
    FocusArea.objects.filter(scheme_year=draft, number__in=[1, 2, 4, 5]).update(is_open=True)

    published = scheme_year_publish(year=draft, by=administrator, reason="Rundskriv 2026")
    assert published.is_published and published.published_by == administrator
    entry = AuditEntry.objects.get(action="imdi.scheme_year.published")
    assert entry.reason == "Rundskriv 2026"
    assert set(entry.data["differences"]) == {
        "year.application_deadline",
        "focus_area:5.description_nn",
        "year.budget_authority_name",
        "year.budget_authority_title",
    }
    with pytest.raises(DomainError):
        scheme_year_publish(year=published, by=administrator)


def test_payment_shares_must_add_up_and_a_reception_year_needs_its_rate(seeded, administrator):
    draft = _complete(scheme_year_copy(source=_reception_2024(), by=administrator))
    draft.rate_per_place_per_month = None
    draft.save(update_fields=["rate_per_place_per_month"])
    PaymentTerm.objects.filter(scheme_year=draft).update(share_percent=Decimal("60"))
    with translation.override("en"):
        assert scheme_year_problems(year=draft) == [
            "Set the rate per place per month.",
            "The payment terms' shares add up to 60 %, not 100 %.",
        ]


# --- The demo -------------------------------------------------------------------------------


def test_the_demo_years_are_published_and_never_copied_from_a_draft(seeded, administrator):
    draft = scheme_year_copy(source=_development_2025(), by=administrator)
    draft.budget_frame = Decimal("1")
    draft.save(update_fields=["budget_frame"])
    made = demo_years_configure(today=dt.date(2026, 11, 23))
    assert sorted((y.scheme.code, y.year) for y in made) == [
        ("development", 2027),
        ("reception", 2026),
        ("reception", 2027),
    ]
    assert all(y.is_published and y.is_demo for y in made)
    development_2027 = next(y for y in made if y.scheme.code == SchemeCode.DEVELOPMENT)
    assert development_2027.budget_frame == Decimal("51500000"), "from 2025, not the draft"
    assert development_2027.budget_authority_name == "Demo Direktør"
    draft.refresh_from_db()
    assert not draft.is_published and not draft.is_demo


# --- The pages ------------------------------------------------------------------------------


def test_the_administrator_copies_reviews_and_publishes_through_the_pages(
    seeded, client, administrator
):
    source = _reception_2024()
    client.force_login(administrator)
    listing = client.get(reverse("schemes:year_list"))
    assert listing.status_code == 200
    assert reverse("schemes:year_detail", args=[source.pk]) in listing.content.decode()
    detail = client.get(reverse("schemes:year_detail", args=[source.pk]))
    assert detail.status_code == 200 and 'data-testid="copy-year"' in detail.content.decode()

    response = client.post(reverse("schemes:year_copy", args=[source.pk]))
    copy = SchemeYear.objects.get(scheme=source.scheme, year=2025)
    assert response.status_code == 302
    assert response["Location"] == reverse("schemes:year_review", args=[copy.pk])
    again = client.post(reverse("schemes:year_copy", args=[source.pk]), follow=True)
    assert SchemeYear.objects.filter(scheme=source.scheme, year=2025).count() == 1
    assert "2025" in again.content.decode() and 'role="alert"' in again.content.decode()

    copy.rate_per_place_per_month = Decimal("2200")
    copy.save(update_fields=["rate_per_place_per_month"])
    url = reverse("schemes:year_review", args=[copy.pk])
    page = client.get(url).content.decode()
    differences = page[page.index('data-testid="differences"') :]
    differences = differences[: differences.index("</table>")]
    assert "2\xa0141\xa0kr" in differences and "2\xa0200\xa0kr" in differences
    assert "28.02.2025" not in differences, "a date a year on is no difference"
    assert 'data-testid="problems"' in page

    # Not confirmed: nothing happens, and the note stays in the form.
    response = client.post(url, {"note": "Etter rundskriv 2025"})
    assert response.status_code == 200
    assert "Etter rundskriv 2025" in response.content.decode()
    # Confirmed but incomplete (no signer): refused, the note kept.
    response = client.post(url, {"note": "Etter rundskriv 2025", "reviewed": "on"})
    assert response.status_code == 200
    assert "Etter rundskriv 2025" in response.content.decode()
    assert 'class="ds-error-summary"' in response.content.decode()
    copy.refresh_from_db()
    assert not copy.is_published

    _complete(copy)
    response = client.post(url, {"note": "Etter rundskriv 2025", "reviewed": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("schemes:year_detail", args=[copy.pk])
    copy.refresh_from_db()
    assert copy.is_published and copy.published_by == administrator
    assert AuditEntry.objects.get(action="imdi.scheme_year.published").reason == (
        "Etter rundskriv 2025"
    )
    page = client.get(url).content.decode()
    assert 'data-testid="publish"' not in page


@pytest.mark.parametrize("who", ["caseworker", "applicant", "lead"])
def test_the_pages_are_not_found_for_anyone_but_an_administrator(
    seeded, client, who, request, administrator
):
    from tests.conftest import _with_totp
    from tests.factories import UserFactory

    if who == "lead":
        from imdi_grants.accounts.models import StaffRole

        person = _with_totp(UserFactory(staff_role=StaffRole.LEAD))
    else:
        person = request.getfixturevalue(who)
    draft = scheme_year_copy(source=_reception_2024(), by=administrator)
    _complete(draft)
    client.force_login(person)
    for name, args in [
        ("schemes:year_list", []),
        ("schemes:year_detail", [draft.pk]),
        ("schemes:year_review", [draft.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404
    assert client.post(reverse("schemes:year_copy", args=[draft.pk])).status_code == 404
    review = reverse("schemes:year_review", args=[draft.pk])
    assert client.post(review, {"reviewed": "on"}).status_code == 404
    draft.refresh_from_db()
    assert not draft.is_published
    assert not SchemeYear.objects.filter(scheme=draft.scheme, year=2026).exists()


def test_the_admin_action_copies_with_the_same_service(seeded, client, administrator):
    source = _development_2025()
    client.force_login(administrator)
    changelist = reverse("admin:schemes_schemeyear_changelist")
    response = client.post(
        changelist, {"action": "copy_to_next_year", "_selected_action": [source.pk]}, follow=True
    )
    assert response.status_code == 200
    copy = SchemeYear.objects.get(scheme=source.scheme, year=2026)
    assert not copy.is_published
    assert copy.focus_areas.count() == 5
    assert reverse("schemes:year_review", args=[copy.pk]) in response.content.decode()
    client.post(changelist, {"action": "copy_to_next_year", "_selected_action": [source.pk]})
    assert SchemeYear.objects.filter(scheme=source.scheme, year=2026).count() == 1
