"""docker-compose.yml is for users' machines; here it is checked against the Compose schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_it_is_valid_against_the_compose_specification():
    schema = json.loads((ROOT / "tests" / "data" / "compose-spec.json").read_text())
    jsonschema.validate(_compose(), schema)


def test_it_runs_every_part_with_health_checks_and_volumes():
    compose = _compose()
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "imdi_grants", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "imdi_grants", "beat"]
    assert {"pgdata", "redisdata", "media"} <= set(compose["volumes"])
    assert services["web"]["environment"]["DJANGO_ENV"] == "production"
