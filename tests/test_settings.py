"""Settings with and without an environment, and the production hardening."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG,
    "demo": settings.DEMO_MODE,
    "cache": settings.CACHES["default"]["BACKEND"],
    "acks_late": settings.CELERY_TASK_ACKS_LATE,
    "reject_on_lost": settings.CELERY_TASK_REJECT_ON_WORKER_LOST,
    "max_tasks_per_child": settings.CELERY_WORKER_MAX_TASKS_PER_CHILD,
    "timezone": settings.CELERY_TIMEZONE,
    "tz": settings.TIME_ZONE,
    "language": settings.LANGUAGE_CODE,
    "cookies": {
        "session": [
            settings.SESSION_COOKIE_NAME,
            settings.SESSION_COOKIE_SECURE,
            settings.SESSION_COOKIE_PATH,
            settings.SESSION_COOKIE_DOMAIN,
        ],
        "csrf": [
            settings.CSRF_COOKIE_NAME,
            settings.CSRF_COOKIE_SECURE,
            settings.CSRF_COOKIE_PATH,
            settings.CSRF_COOKIE_DOMAIN,
        ],
    },
    "trusted_proxy_count": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
}))
"""


def _clean_env(**extra: str) -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG", "SYSTEMROOT"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["DJANGO_SETTINGS_MODULE"] = "imdi_grants.settings"
    env.update(extra)
    return env


def _probe(**extra: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=_clean_env(**extra),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_without_environment_it_runs_embedded():
    probe = _probe()
    assert probe["engine"] == "django.db.backends.sqlite3"
    assert probe["eager"] is True
    assert probe["broker"] == "memory://"
    assert probe["email"] == "django.core.mail.backends.console.EmailBackend"
    assert probe["debug"] is True
    assert probe["demo"] is True
    assert probe["cache"].endswith("LocMemCache")
    assert probe["tz"] == "Europe/Oslo"
    assert probe["language"] == "nb"


def test_with_environment_it_uses_postgres_and_redis():
    probe = _probe(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/imdi_grants",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert probe["engine"] == "django.db.backends.postgresql"
    assert probe["eager"] is False
    assert probe["broker"] == "redis://127.0.0.1:6379/0"
    assert probe["cache"].endswith("RedisCache")


def test_celery_is_configured_for_reliability():
    probe = _probe(REDIS_URL="redis://127.0.0.1:6379/0")
    assert probe["acks_late"] is True
    assert probe["reject_on_lost"] is True
    assert probe["max_tasks_per_child"] > 0
    assert probe["timezone"] == "UTC"


PRODUCTION_SECRET = "q8#Lz0!vR2m@Xw7$Tn4^Pb9&Kc3*Hd6(Jf1)Gs5-Ya8+Ue2=Oi7"
PRODUCTION_EMAIL = "smtp+tls://user:pass@smtp.example.no:587"


def _refused(**extra: str) -> str:
    """Settings that must not load: the error they stop with."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=_clean_env(**extra),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr, result.stderr
    return result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    assert "SECRET_KEY" in _refused(DJANGO_ENV="production", EMAIL_URL=PRODUCTION_EMAIL)


def test_production_refuses_a_short_secret_key():
    stderr = _refused(DJANGO_ENV="production", SECRET_KEY="x" * 49, EMAIL_URL=PRODUCTION_EMAIL)
    assert "at least 50 characters" in stderr


def test_production_refuses_to_start_without_a_mail_server():
    assert "EMAIL_URL" in _refused(DJANGO_ENV="production", SECRET_KEY=PRODUCTION_SECRET)
    # Reset links on the console would end up in the logs.
    assert "EMAIL_URL" in _refused(
        DJANGO_ENV="production", SECRET_KEY=PRODUCTION_SECRET, EMAIL_URL="consolemail://"
    )


def test_the_trusted_proxy_count_comes_from_the_environment():
    assert _probe()["trusted_proxy_count"] == 0
    assert _probe(ALLAUTH_TRUSTED_PROXY_COUNT="1")["trusted_proxy_count"] == 1


def test_production_reads_the_secret_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s" * 10 + "-from-a-file-" + "x" * 40)
    probe = _probe(
        DJANGO_ENV="production",
        SECRET_KEY_FILE=str(secret),
        ALLOWED_HOSTS="a.no",
        EMAIL_URL=PRODUCTION_EMAIL,
    )
    assert probe["debug"] is False
    assert probe["demo"] is False


def test_production_passes_check_deploy():
    env = _clean_env(
        DJANGO_ENV="production",
        SECRET_KEY=PRODUCTION_SECRET,
        ALLOWED_HOSTS="tilskudd.imdi.no",
        EMAIL_URL=PRODUCTION_EMAIL,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/imdi_grants",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
