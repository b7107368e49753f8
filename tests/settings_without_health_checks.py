"""The portal's settings with ``CONN_HEALTH_CHECKS`` off, for the control case of
``tests/security/test_postgres_restart.py``: it shows that the setting, and nothing else, keeps
the first request after a PostgreSQL restart from failing. Never a deployment setting."""

from imdi_grants.settings import *  # noqa: F403
from imdi_grants.settings import DATABASES

DATABASES["default"] = {**DATABASES["default"], "CONN_HEALTH_CHECKS": False}
