"""Issue 11: administrators see, filter and export the audit trail across cases (who, what,
when, which case, from and to which status); nobody else sees it; the export is exactly what
the filter shows and is itself audited; a bad filter is ignored; no page changes an entry; the
page costs the same number of queries whatever it shows."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imdi_grants.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_administrators_filter_and_export_and_others_do_not(
    client, accepted_grant, administrator, caseworker, signatory
):
    url = reverse("audit:list")
    for refused in (caseworker, signatory):
        client.force_login(refused)
        assert client.get(url).status_code == 404
        assert client.get(reverse("audit:export", args=["csv"])).status_code == 404

    client.force_login(administrator)
    page = client.get(url, {"case_number": accepted_grant.case_number}).content.decode()
    assert accepted_grant.case_number in page
    accepted = AuditEntry.objects.get(action="imdi.grant.accepted")
    assert accepted.case_number == accepted_grant.case_number, "stored with the entry"

    query = {"case_number": accepted_grant.case_number, "action": "imdi.grant.accepted"}
    assert client.get(url, query).context["page"].paginator.count == 1
    body = client.get(reverse("audit:export", args=["csv"]), query).content.decode()
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert len(rows) == 1 and rows[0]["by"] == signatory.email
    assert rows[0]["to_status"] == "accepted"
    assert AuditEntry.objects.filter(
        action="imdi.security.audit_exported", actor=administrator
    ).exists()
    assert client.post(url, query).status_code == 405, "no way to change an entry"


def test_a_bad_filter_is_ignored(client, administrator):
    client.force_login(administrator)
    for query in ({"since": "²"}, {"actor": "%00"}, {"action": "nope"}, {"page": "x"}):
        assert client.get(reverse("audit:list"), query).status_code == 200


def test_the_page_takes_the_same_queries_for_few_or_many_entries(
    client, administrator, accepted_grant
):
    client.force_login(administrator)
    client.get(reverse("audit:list"))  # the session's first request writes it once
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("audit:list"))
    entry = AuditEntry.objects.first()
    for _ in range(60):
        entry.pk = None
        entry.save()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("audit:list"))
    assert len(many) == len(few)


def test_a_large_audit_export_is_made_in_the_background(
    client, administrator, accepted_grant, settings, tmp_path
):
    from imdi_grants.exports.models import ExportJob
    from imdi_grants.exports.services import export_build

    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_BACKGROUND_ROWS = 1
    client.force_login(administrator)
    query = {"case_number": accepted_grant.case_number}
    response = client.get(reverse("audit:export", args=["csv"]), query)
    job = ExportJob.objects.get(kind="audit")
    assert response["Location"] == reverse("exports:detail", args=[job.pk])
    assert export_build(job_id=job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as f:
        rows = list(csv.DictReader(io.StringIO(f.read().decode("utf-8-sig")), delimiter=";"))
    expected = AuditEntry.objects.filter(case_number=accepted_grant.case_number).count()
    assert len(rows) == expected == job.rows_total
