"""The assessment's round and staff, for exporting its queue."""

from tests.assessment.conftest import (  # noqa: F401
    _media,
    assessor_a,
    assessor_b,
    lead,
    round_2025,
)
