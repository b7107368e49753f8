"""No side doors through the admin (issue 12): what an organisation's letters and payments
depend on, an agreement's places and end date, and partnership agreements change either through
the services (audited with the old and the new value) or not at all. Each test posts the admin's
own change form as an administrator would."""

from __future__ import annotations

import datetime as dt

import pytest
import tablib
from django.urls import reverse

from applications.reception import services as reception_services
from applications.reception.models import PartnershipAgreement, PlaceCount, ReceptionAgreement
from imdi_grants.accounts.models import Organisation
from imdi_grants.accounts.resources import LanguageDecisionResource, OrganisationResource
from imdi_grants.audit.models import AuditEntry
from tests.reception_fixtures import partnership

pytestmark = pytest.mark.django_db

OLD_ACCOUNT = "15031234562"
NEW_ACCOUNT = "15031234538"


def _form_data(response) -> dict[str, str]:
    """What the browser would post back: every editable field and inline row as shown."""
    data: dict[str, str] = {}

    def put(form, name):
        value = form[name].value()
        key = form.add_prefix(name)
        if value is True:
            data[key] = "on"
        elif value is not None and value is not False:
            data[key] = str(value)

    form = response.context["adminform"].form
    for name in form.fields:
        put(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            put(formset.management_form, name)
        for row in formset.forms:
            for name in row.fields:
                put(row, name)
    return data


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def drammen(municipality):
    municipality.bank_account_number = OLD_ACCOUNT
    municipality.written_standard = "nb"
    municipality.save()
    return municipality


def _changes(entry: AuditEntry) -> dict:
    return entry.data["changes"]


# --- Organisations ------------------------------------------------------------------------------


def test_a_bank_account_changed_in_the_admin_is_audited_with_old_and_new(
    admin_client, administrator, drammen
):
    url = reverse("admin:accounts_organisation_change", args=[drammen.pk])
    data = _form_data(admin_client.get(url))
    data.update(bank_account_number=NEW_ACCOUNT, written_standard="nn")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    drammen.refresh_from_db()
    assert (drammen.bank_account_number, drammen.written_standard) == (NEW_ACCOUNT, "nn")
    entry = AuditEntry.objects.get(action="imdi.organisation.changed")
    assert entry.actor == administrator and entry.organisation == drammen
    assert _changes(entry) == {
        "bank_account_number": {"from": OLD_ACCOUNT, "to": NEW_ACCOUNT},
        "written_standard": {"from": "nb", "to": "nn"},
    }


def test_a_role_or_staff_right_changed_in_the_admin_is_audited(
    admin_client, administrator, drammen, applicant, caseworker
):
    """Who may act for an organisation (a signatory accepts grant letters), and who is staff."""
    url = reverse("admin:accounts_organisation_change", args=[drammen.pk])
    data = _form_data(admin_client.get(url))
    prefix = next(k[: -len("-TOTAL_FORMS")] for k in data if k.endswith("-TOTAL_FORMS"))
    row = next(
        k[: -len("-user")]
        for k, v in data.items()
        if k.startswith(prefix) and k.endswith("-user") and v == str(applicant.pk)
    )
    data[f"{row}-role"] = "signatory"
    assert admin_client.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(action="imdi.organisation.membership_changed")
    assert entry.actor == administrator
    assert entry.data == {"user": applicant.email, "old_role": "applicant", "new_role": "signatory"}

    url = reverse("admin:accounts_user_change", args=[caseworker.pk])
    data = _form_data(admin_client.get(url))
    data["staff_role"] = "administrator"
    for name in ("date_joined", "last_login"):  # the admin splits a moment in date and time
        moment = getattr(caseworker, name)
        data.pop(name, None)
        if moment:
            data[f"{name}_0"], data[f"{name}_1"] = f"{moment:%Y-%m-%d}", f"{moment:%H:%M:%S}"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="imdi.security.staff_access_changed")
    assert entry.data["staff_role"] == {"old": "caseworker", "new": "administrator"}


def test_the_registry_fields_are_read_only_in_the_admin(admin_client, drammen):
    url = reverse("admin:accounts_organisation_change", args=[drammen.pk])
    data = _form_data(admin_client.get(url))
    data.update(name="Sidedør kommune", municipality_number="9999")
    assert admin_client.post(url, data).status_code == 302
    drammen.refresh_from_db()
    assert drammen.name == "Drammen kommune" and drammen.municipality_number != "9999"
    assert not AuditEntry.objects.filter(action="imdi.organisation.changed").exists()


def test_an_import_that_changes_a_bank_account_is_audited(administrator, drammen):
    row = {
        "name": drammen.name,
        "short_name": drammen.short_name,
        "is_municipality": 1,
        "is_county_municipality": 0,
        "municipality_number": drammen.municipality_number,
        "county_number": drammen.county_number,
        "organisation_number": "",
        "bank_account_number": NEW_ACCOUNT,
        "written_standard": "nb",
        "postal_address": "",
        "postal_code": "",
        "postal_place": "",
        "phone": "",
        "email": "",
    }
    dataset = tablib.Dataset(list(row.values()), headers=list(row))
    preview = OrganisationResource().import_data(
        dataset, dry_run=True, use_transactions=True, user=administrator
    )
    assert not preview.has_errors() and not preview.has_validation_errors()
    assert not AuditEntry.objects.exists(), "a preview leaves no audit entry"

    OrganisationResource().import_data(dataset, dry_run=False, user=administrator)
    drammen.refresh_from_db()
    assert drammen.bank_account_number == NEW_ACCOUNT
    entry = AuditEntry.objects.get(action="imdi.organisation.changed")
    assert entry.actor == administrator
    assert _changes(entry) == {"bank_account_number": {"from": OLD_ACCOUNT, "to": NEW_ACCOUNT}}


def test_an_imported_written_standard_is_audited(administrator, drammen):
    dataset = tablib.Dataset(
        (drammen.municipality_number, "nynorsk"), headers=["nummer", "målform"]
    )
    LanguageDecisionResource().import_data(dataset, dry_run=False, user=administrator)
    entry = AuditEntry.objects.get(action="imdi.organisation.changed")
    assert _changes(entry) == {"written_standard": {"from": "nb", "to": "nn"}}


# --- Integration reception agreements ---------------------------------------------------------


@pytest.fixture
def agreement(municipality, caseworker):
    return reception_services.agreement_register(
        organisation=municipality,
        start_date=dt.date(2024, 1, 1),
        end_date=None,
        places=50,
        by=caseworker,
    )


def test_places_posted_through_the_admin_are_refused(admin_client, agreement):
    url = reverse("admin:reception_receptionagreement_change", args=[agreement.pk])
    page = admin_client.get(url)
    assert reverse("reception:agreement_detail", args=[agreement.pk]) in page.content.decode()
    data = _form_data(page)
    data.update(
        {
            "place_counts-0-id": str(agreement.place_counts.get().pk),
            "place_counts-0-agreement": str(agreement.pk),
            "place_counts-0-valid_from": "01.01.2024",
            "place_counts-0-places": "80",
            "place_counts-TOTAL_FORMS": "2",
            "place_counts-1-agreement": str(agreement.pk),
            "place_counts-1-valid_from": "01.07.2024",
            "place_counts-1-places": "120",
        }
    )
    admin_client.post(url, data)
    assert list(PlaceCount.objects.values_list("places", flat=True)) == [50]
    assert AuditEntry.objects.filter(action="imdi.reception.places_changed").count() == 0


def test_agreements_are_not_added_or_deleted_in_the_admin(admin_client, agreement):
    assert admin_client.get(reverse("admin:reception_receptionagreement_add")).status_code == 403
    delete = reverse("admin:reception_receptionagreement_delete", args=[agreement.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert ReceptionAgreement.objects.filter(pk=agreement.pk).exists()


def test_an_end_date_changed_in_the_admin_goes_through_the_service(
    admin_client, administrator, agreement
):
    url = reverse("admin:reception_receptionagreement_change", args=[agreement.pk])
    data = _form_data(admin_client.get(url))
    data["end_date"] = "30.06.2025"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    agreement.refresh_from_db()
    assert agreement.end_date == dt.date(2025, 6, 30)
    entry = AuditEntry.objects.get(action="imdi.reception.agreement_end_changed")
    assert entry.actor == administrator
    assert _changes(entry) == {"end_date": {"from": None, "to": "2025-06-30"}}


def test_an_end_date_that_changes_a_granted_year_is_refused(admin_client, offer, issued_grant):
    agreement = offer.agreement
    url = reverse("admin:reception_receptionagreement_change", args=[agreement.pk])
    data = _form_data(admin_client.get(url))
    data["end_date"] = "30.06.2024"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "2024" in str(response.context["adminform"].form.non_field_errors())
    agreement.refresh_from_db()
    assert agreement.end_date is None
    assert not AuditEntry.objects.filter(action="imdi.reception.agreement_end_changed").exists()


def test_the_portal_records_the_old_number_of_places(agreement, caseworker):
    reception_services.place_count_set(
        agreement=agreement, valid_from=dt.date(2025, 3, 1), places=70, by=caseworker
    )
    entry = AuditEntry.objects.filter(action="imdi.reception.places_changed").latest("pk")
    assert (entry.data["old_places"], entry.data["places"]) == (50, 70)


# --- Partnership agreements ----------------------------------------------------------------------


def test_a_partnership_agreement_is_read_only_in_the_admin(admin_client, municipality):
    agreement = partnership(municipality)
    url = reverse("admin:reception_partnershipagreement_change", args=[agreement.pk])
    page = admin_client.get(url)
    assert page.status_code == 200  # shown, to read
    assert 'name="valid_to"' not in page.content.decode()
    response = admin_client.post(
        url,
        {
            "organisation": municipality.pk,
            "asylum_reception_centre": "Et annet mottak",
            "career_centre": "Karrieresenteret i Buskerud",
            "nav_office": "NAV Drammen",
            "valid_from": "01.01.2020",
            "valid_to": "31.12.2099",
            "responsibilities": "Endret i admin",
        },
    )
    assert response.status_code == 403
    agreement.refresh_from_db()
    assert (agreement.valid_from, agreement.valid_to) == (dt.date(2024, 1, 1), None)
    assert agreement.asylum_reception_centre == "Drammen asylmottak"
    add = reverse("admin:reception_partnershipagreement_add")
    assert admin_client.get(add).status_code == 403
    assert PartnershipAgreement.objects.count() == 1
    assert Organisation.objects.filter(pk=municipality.pk).exists()
