"""Many submitted development applications at once, for the query-count test and the queue
benchmark: rows are bulk-created (no services, no audit), each with its first-year funding, two
assessors and a stored score, as a round in assessment would have them."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone


def applications_bulk_create(*, scheme_year, organisation, count: int, assessors: list) -> int:
    """Create ``count`` applications in assessment spread over the round's open focus areas;
    returns how many exist in the round afterwards."""
    from applications.assessment.models import Assessment, Assignment
    from applications.development.models import Application, FundingYear, Status

    areas = list(scheme_year.focus_areas.filter(is_open=True).order_by("number"))
    start = Application.objects.filter(scheme_year=scheme_year).count()
    rng = random.Random(start)
    submitted = timezone.make_aware(dt.datetime(scheme_year.year, 2, 1, 12))
    applications = Application.objects.bulk_create(
        Application(
            scheme_year=scheme_year,
            focus_area=areas[n % len(areas)],
            organisation=organisation,
            status=Status.IN_ASSESSMENT,
            case_number=f"V{scheme_year.year}/{n:06d}",
            title=f"Volumprosjekt {n}",
            created_by=assessors[0],
            submitted_at=submitted + dt.timedelta(minutes=n),
            submission_count=1,
        )
        for n in range(start, start + count)
    )
    FundingYear.objects.bulk_create(
        FundingYear(
            application=application,
            year_number=1,
            amount_applied=Decimal(rng.randrange(100, 2000) * 1000),
            own_contribution=Decimal(100000),
        )
        for application in applications
    )
    Assessment.objects.bulk_create(
        Assessment(
            application=application,
            scores_submitted=2,
            score_mean=Decimal(rng.randrange(300, 1800)) / 100,
            ranking_score=Decimal(rng.randrange(300, 1800)) / 100,
            is_flagged=rng.random() < 0.05,
        )
        for application in applications
    )
    Assignment.objects.bulk_create(
        Assignment(application=application, assessor=assessor, assigned_by=assessor)
        for application in applications
        for assessor in assessors
    )
    return start + count
