"""Issue 9: nothing is awarded beyond the frame or an area's budget, also when two awards are
decided at the same moment (two transactions on two connections, released together)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from applications.assessment import services
from applications.assessment.models import Decision
from applications.development.models import Application, Status
from imdi_grants.lib.workflow import DomainError
from schemes.models import FocusArea

from .conftest import ALL_MET, GOOD, declare, submitted_application

pytestmark = pytest.mark.django_db(transaction=True)


def _ready_for_decision(application, lead, assessor):
    declare(application, lead, assessor)
    services.formal_check_record(application=application, by=assessor, checks=ALL_MET)
    services.assessors_assign(
        applications=[application], assessors=[assessor], by=lead, per_application=1
    )
    services.score_save(application=application, by=assessor, values=GOOD, submit=True)
    services.agreed_score_set(
        application=application, by=lead, purpose=5, capacity=5, transfer=4, comment="OK"
    )
    return Application.objects.get(pk=application.pk)


@pytest.mark.parametrize("limit", ["area budget", "frame"])
def test_two_awards_at_the_same_moment_never_pass_the_limit(
    limit, round_2025, municipality, applicant, signatory, lead, assessor_a
):
    municipality.bank_account_number = "15031234562"
    municipality.save(update_fields=["bank_account_number"])
    numbers = (1, 1) if limit == "area budget" else (1, 2)
    applications = [
        _ready_for_decision(
            submitted_application(municipality, applicant, signatory, n, title=f"P{i}"),
            lead,
            assessor_a,
        )
        for i, n in enumerate(numbers)
    ]
    if limit == "area budget":
        FocusArea.objects.filter(pk=applications[0].focus_area_id).update(budget_amount=600000)
    else:
        FocusArea.objects.filter(scheme_year=round_2025).update(budget_amount=None)
        round_2025.budget_frame = Decimal("600000")
        round_2025.save(update_fields=["budget_frame"])

    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def award(application):
        try:
            barrier.wait(timeout=10)
            services.application_award(
                application=application, by=lead, amount=Decimal("400000"), planned_years={}
            )
            outcomes.append("awarded")
        except DomainError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=award, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("awarded") == 1, outcomes
    refused = next(o for o in outcomes if isinstance(o, DomainError))
    assert "200\xa0000" in str(refused)
    assert Decision.objects.count() == 1
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == sorted([Status.AWARDED, Status.IN_ASSESSMENT])
