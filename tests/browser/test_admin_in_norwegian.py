"""The admin's audit log and import/export pages as an administrator reads them in Bokmål: action
and status names instead of codes, fields by their labels (the file's column codes beside them),
and every field of a tabular inline named for screen readers. Served pages, through Django's
test client (axe checks the same pages in Chromium in test_accessibility.py)."""

from __future__ import annotations

import re

import pytest

from imdi_grants.audit.services import audit_log
from schemes.models import SchemeYear


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_the_audit_log_names_actions_and_statuses(admin_client, municipality, administrator):
    audit_log(
        subject=municipality,
        action="imdi.organisation.changed",
        actor=administrator,
        organisation=municipality,
    )
    page = admin_client.get("/admin/audit/auditentry/").content.decode()
    assert "Opplysninger om organisasjonen endret" in page  # in the list and in the filter
    assert "imdi.organisation.changed</td>" not in page
    assert ">imdi.organisation.changed<" not in page
    # Searching by the action's name finds it.
    found = admin_client.get("/admin/audit/auditentry/", {"q": "organisasjonen endret"})
    assert "Opplysninger om organisasjonen endret" in found.content.decode()


def test_import_and_export_name_the_fields(admin_client):
    imported = admin_client.get("/admin/accounts/organisation/import/").content.decode()
    assert "Kommunenummer (municipality_number)" in imported
    assert "Organisasjonsnummer (organisation_number)" in imported
    exported = admin_client.get("/admin/accounts/organisation/export/").content.decode()
    assert re.search(r"<label[^>]*>Kommunenummer \(municipality_number\)</label>", exported)
    rates = admin_client.get("/admin/schemes/schemeyear/export/").content.decode()
    assert "Sats per plass per måned (kr) (rate_per_place_per_month)" in rates


def test_tabular_inline_fields_are_named(admin_client, seeded):
    year = SchemeYear.objects.filter(report_deadlines__isnull=False).first()
    page = admin_client.get(f"/admin/schemes/schemeyear/{year.pk}/change/").content.decode()
    select = re.search(r'<select name="report_deadlines-0-kind"[^>]*>', page).group(0)
    assert 'aria-label="Rapport"' in select
    due = re.search(r'<input[^>]*name="report_deadlines-0-due_date"[^>]*>', page).group(0)
    assert "aria-label=" in due
