"""Settings, read from the environment.

With no environment at all the portal runs on an embedded default: SQLite in the project folder,
Celery tasks run eagerly, mail to the console, DEBUG and demo mode on. ``DATABASE_URL`` and
``REDIS_URL``/``CELERY_BROKER_URL`` switch to PostgreSQL and Redis; ``DJANGO_ENV=production``
turns on every hardening that ``manage.py check --deploy`` asks for. Secrets may also come from
``<NAME>_FILE`` (a Docker/Kubernetes secret file).
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def env_secret(name: str, default: str | None = None) -> str | None:
    """``NAME`` from the environment, or the contents of the file named by ``NAME_FILE``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


# --- Environment ----------------------------------------------------------------------------
DJANGO_ENV = env.str("DJANGO_ENV", default="dev")
if DJANGO_ENV not in {"dev", "test", "production"}:
    raise ValueError(f"DJANGO_ENV must be dev, test or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=DJANGO_ENV == "dev") and not PRODUCTION
# Demo mode: demo data may be loaded and demo staff skip the two-factor step. Never in production.
DEMO_MODE = env.bool("DEMO_MODE", default=DJANGO_ENV == "dev") and not PRODUCTION

if PRODUCTION:
    SECRET_KEY = env_secret("SECRET_KEY")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when DJANGO_ENV=production"
        )
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be at least 50 characters when DJANGO_ENV=production"
        )
else:
    SECRET_KEY = env_secret("SECRET_KEY", "dev-insecure-5k2#h0v!q8x@m1w7z$c3n6b9p4r0t2y5u8i1o3")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -----------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "import_export",
    "csp",
    "imdi_grants.accounts",
    "imdi_grants.audit",
    "imdi_grants.outbox",
    "imdi_grants.operations",
    "imdi_grants.exports",
    "schemes",
    "grants",
    "applications.development",
    "applications.reception",
    "applications.assessment",
    "applications.appeals",
    "reporting",
    "imdi_grants.oversight",
    "imdi_grants.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "imdi_grants.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "imdi_grants.middleware.NoStoreMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "imdi_grants.middleware.StaffSessionTimeoutMiddleware",
    "imdi_grants.middleware.StaffTwoFactorMiddleware",
    "applications.development.middleware.ImpartialityMiddleware",
]

ROOT_URLCONF = "imdi_grants.urls"
WSGI_APPLICATION = "imdi_grants.wsgi.application"
ASGI_APPLICATION = "imdi_grants.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "imdi_grants.context_processors.portal",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
# A connection kept across requests is checked first, so a PostgreSQL restart costs no request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_imdi")}
    # PostgreSQL's JIT compiles any query its planner thinks costly, and a parallel plan starts
    # worker processes: for the dashboard's aggregates and deadlines that took 50 and 30 ms
    # before the first row (bench/http_speed.py). A web request runs short queries only.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c max_parallel_workers_per_gather=0"
    )
else:
    # The embedded demo on SQLite: a covering index's extra columns (PostgreSQL's INCLUDE) are
    # simply left out there, which is all that warning says.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (allauth's login rate limits and the worker heartbeat live here) -------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, but a Redis that cannot be reached is a cache miss, not a 500: logging in
            # still works while Redis is down, with rate limits that do not count.
            "BACKEND": "imdi_grants.lib.cache.ForgivingRedisCache",
            "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=f"imdi-{DJANGO_ENV}"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://"
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="imdi")
CELERY_ENABLE_UTC = True
CELERY_TIMEZONE = "UTC"
# Time limits and the visibility timeout: a killed worker's work comes back within minutes.
# Every task is short: a letter or a receipt is one WeasyPrint render (under a second warm, a few
# cold) and one e-mail; a sweep enqueues at most 200 tasks; a reminder job queues outbox rows; the
# outbox sweep, the longest, stops starting e-mails after 30 s (``outbox.services.SWEEP_SECONDS``)
# and each SMTP step gives up after ``EMAIL_TIMEOUT``. A task still running at the soft limit is
# stuck: it gets ``SoftTimeLimitExceeded`` (its transaction rolls back and a sweeper finds the row
# again), and at the hard limit its process is killed (the message is acknowledged, not retried).
# With late acks Redis hands a message out again only once it has gone unacknowledged for the
# visibility timeout, so the timeout must exceed the longest a live worker holds one: a retry's
# countdown (``retry_backoff`` with ``max_retries=8``: at most 2**7 = 128 s), a wait for a free
# process (one hard limit) and the run (another): 128 + 60 + 60 = 248 s < 300 s. Shorter would run
# a task twice while the first run is alive; longer (kombu's 3600) only delays the recovery.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=45)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
    # Look for messages past their visibility timeout every 10 s (kombu's default: every 100 s).
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
if not (
    0
    < CELERY_TASK_SOFT_TIME_LIMIT
    < CELERY_TASK_TIME_LIMIT
    < CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
):
    raise ImproperlyConfigured(
        "Celery needs 0 < CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < "
        "CELERY_VISIBILITY_TIMEOUT, or Redis hands running tasks to a second worker"
    )
# Periodic tasks poll the database for what is due; there is no schedule entry per deadline.
# The worker's heartbeat and the orphan-file sweep live outside the apps' tasks.py files.
CELERY_IMPORTS = ["imdi_grants.lib.cache", "imdi_grants.lib.files", "imdi_grants.lib.retention"]
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "worker-heartbeat": {
        # /healthz reports the worker as alive while this ran within the last few minutes.
        "task": "imdi_grants.lib.cache.worker_heartbeat",
        "schedule": 60,
    },
    "retention-run": {
        "task": "imdi_grants.lib.retention.retention_run",
        "schedule": 24 * 60 * 60,
    },
    "files-orphans-remove": {
        "task": "imdi_grants.lib.files.orphans_remove",
        "schedule": 24 * 60 * 60,
    },
    "outbox-sweep": {
        "task": "imdi_grants.outbox.tasks.messages_sweep",
        "schedule": 5 * 60,
    },
    "grants-sweep": {
        "task": "grants.tasks.letters_sweep",
        "schedule": 5 * 60,
    },
    "development-receipts-sweep": {
        "task": "applications.development.tasks.receipts_sweep",
        "schedule": 5 * 60,
    },
    "assessment-decision-letters-sweep": {
        "task": "applications.assessment.tasks.decision_letters_sweep",
        "schedule": 5 * 60,
    },
    "grants-reaction-letters-sweep": {
        "task": "grants.tasks.reaction_letters_sweep",
        "schedule": 5 * 60,
    },
    "appeals-letters-sweep": {
        "task": "applications.appeals.tasks.appeal_letters_sweep",
        "schedule": 5 * 60,
    },
    "assessment-assessor-reminders": {
        "task": "applications.assessment.tasks.assessor_reminders",
        "schedule": 60 * 60,  # hourly; each person's weekly reminder is queued once (unique key)
    },
    "grants-reclaim-reminders": {
        "task": "grants.tasks.reclaim_reminders",
        "schedule": 60 * 60,
    },
    "grants-acceptance-reminders": {
        "task": "grants.tasks.acceptance_reminders",
        "schedule": 60 * 60,  # hourly; each reminder is queued once (unique key)
    },
    "reporting-report-reminders": {
        "task": "reporting.tasks.report_reminders",
        "schedule": 60 * 60,
    },
    "development-draft-reminders": {
        "task": "applications.development.tasks.draft_reminders",
        "schedule": 60 * 60,
    },
    "grants-lapse": {
        "task": "grants.tasks.grants_lapse_overdue",
        "schedule": 60 * 60,  # hourly; a grant lapses the first run after its deadline day
    },
}

# --- Authentication (django-allauth) ----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if DJANGO_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# An address a user adds on /accounts/email/ logs in only once confirmed by the link allauth
# e-mails to it; the address an administrator gave is verified when the user is created
# (accounts.services.user_primary_email_confirm). An unconfirmed address gets no reset link.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_FORMS = {"reset_password": "imdi_grants.accounts.forms.PasswordResetForm"}
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "imdi_grants.accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[IMDi] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# Behind a reverse proxy every request comes from the proxy: the rate limits above count per
# client only when allauth takes the address from X-Forwarded-For, skipping this many proxies.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
SOCIALACCOUNT_ADAPTER = "imdi_grants.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_AUTO_SIGNUP = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "IMDi tilskudd"

# ID-porten (for municipal staff): OpenID Connect, configured from the environment, off by default.
IDPORTEN_ENABLED = env.bool("IDPORTEN_ENABLED", default=False)
# The lowest level of assurance accepted, checked on the server against the ID token's ``acr``.
IDPORTEN_ACR_VALUES = env.str("IDPORTEN_ACR_VALUES", default="idporten-loa-substantial")
IDPORTEN_ACCEPTED_ACR = env.list(
    "IDPORTEN_ACCEPTED_ACR", default=["idporten-loa-substantial", "idporten-loa-high"]
)
SOCIALACCOUNT_PROVIDERS: dict = {}
if IDPORTEN_ENABLED:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": "idporten",
                "name": "ID-porten",
                "client_id": env.str("IDPORTEN_CLIENT_ID"),
                "secret": env_secret("IDPORTEN_CLIENT_SECRET") or "",
                "settings": {
                    "server_url": env.str("IDPORTEN_SERVER_URL", default="https://idporten.no"),
                    "scope": ["openid", "profile"],
                    "auth_params": {"acr_values": IDPORTEN_ACR_VALUES, "ui_locales": "nb"},
                    "fetch_userinfo": False,
                    "oauth_pkce_enabled": True,
                },
            }
        ]
    }

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("nn", _("Norwegian Nynorsk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# No MEDIA_URL: uploaded files and letters are never served as static files, only by views that
# check the reader's access (``imdi_grants.lib.uploads.file_response``), in demo mode too.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# ClamAV's daemon scans every upload (``imdi_grants.lib.scanning``): Debian's clamav-daemon socket
# by default, or tcp://host:3310; empty, absent or not answering, files are kept as "unscanned".
CLAMAV_URL = env.str("CLAMAV_URL", default="unix:///var/run/clamav/clamd.ctl")
CLAMAV_TIMEOUT = env.float("CLAMAV_TIMEOUT", default=30.0)
STORAGES = {
    # Written to a temporary file and moved into place: no half-written file under a real name.
    "default": {"BACKEND": "imdi_grants.lib.storage.AtomicFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Django's default (2.5 MB) for everything but files: the limit counts the form fields, never the
# uploaded files of a multipart request, so upload views still take files up to their own limit
# (``imdi_grants.lib.uploads``). It was 25 MB, which only let oversized form posts through.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- E-mail -----------------------------------------------------------------------------------
if PRODUCTION and not os.environ.get("EMAIL_URL", "").strip():
    # Without it mail would go to the console, and password reset links with it into the logs.
    raise ImproperlyConfigured("EMAIL_URL must be set when DJANGO_ENV=production")
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
if PRODUCTION and EMAIL_CONFIG["EMAIL_BACKEND"].endswith(
    ("console.EmailBackend", "locmem.EmailBackend")
):
    raise ImproperlyConfigured(
        "EMAIL_URL must name a mail server when DJANGO_ENV=production, not the console"
    )
vars().update(EMAIL_CONFIG)
# Each SMTP step gives up after this many seconds (Django's default waits forever), so a mail
# server that hangs costs a retry, not a task killed at its hard time limit.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="IMDi tilskudd <noreply@imdi.no>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Import/export ----------------------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# A cell that starts with "=" is not a formula in the exported file (CSV injection).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The compose health check calls /healthz over plain HTTP inside the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# IMDi staff are logged out after 30 minutes without a request and 12 hours after logging in
# (imdi_grants.middleware.StaffSessionTimeoutMiddleware); municipal users keep SESSION_COOKIE_AGE.
STAFF_SESSION_IDLE_SECONDS = 30 * 60
STAFF_SESSION_MAX_SECONDS = 12 * 60 * 60
# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from the portal
# itself, never inline; the TOTP QR code is a data: image. No plugins, no <base>, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # "__Host-": the browser keeps these cookies only when they are Secure, have path=/ and no
    # Domain, so neither a subdomain nor plain HTTP can set or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_PATH = "/"
    CSRF_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = None
    CSRF_COOKIE_DOMAIN = None
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

# --- The portal -------------------------------------------------------------------------------
PORTAL_NAME = "IMDi tilskudd"
# Where links in e-mails point.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# The account a reclaimed grant is paid back to (stated in the claim letter).
IMDI_REPAYMENT_ACCOUNT = env.str("IMDI_REPAYMENT_ACCOUNT", default="76940512345")
# Days from a reclaim letter to its due date.
RECLAIM_DAYS_TO_PAY = env.int("RECLAIM_DAYS_TO_PAY", default=30)
# Retention of personal data (imdi_grants/lib/retention.py): a draft never submitted is deleted
# this many days after its round's application deadline; the uploaded attachments of a closed
# case (never its decisions and letters) are removed this many years after it closed, by when
# the case is in the archive.
RETENTION_DRAFT_DAYS = env.int("RETENTION_DRAFT_DAYS", default=180)
RETENTION_ARCHIVE_YEARS = env.int("RETENTION_ARCHIVE_YEARS", default=10)
# A background export's file is offered for this many days, then removed.
EXPORT_KEEP_DAYS = env.int("EXPORT_KEEP_DAYS", default=7)
# An export of more rows than this is made in the background (imdi_grants/exports).
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=2000)
