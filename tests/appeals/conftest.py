"""The assessment's round, staff and applications, for appeals against its decisions."""

from tests.assessment.conftest import (  # noqa: F401
    _media,
    assessor_a,
    assessor_b,
    in_assessment,
    lead,
    round_2025,
    submitted,
)
