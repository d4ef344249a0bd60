"""The one settings module. Everything that differs between machines comes from the environment.

Unset means the embedded default: a SQLite file under ``var/``, the in-memory channel layer,
e-mail printed to the console. See ``.env.example`` for every variable.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

PLATFORM_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PLATFORM_DIR.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# DEMO_MODE: the `make run` demo on a laptop (plain HTTP on 127.0.0.1, demo logins printed).
DEMO_MODE = env_bool("DEMO_MODE", False)
# TESTING: the test suite. Detected, so that a bare `pytest` works; never set it in production.
TESTING = env_bool("TESTING", "pytest" in sys.modules)
LOCAL = DEBUG or DEMO_MODE or TESTING

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not LOCAL:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set (a long random string) unless DEBUG or DEMO_MODE is on."
        )
    SECRET_KEY = "local-only-insecure-key-" + "x" * 40  # noqa: S105 - never used outside LOCAL

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if LOCAL else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "channels",
    "django_tasks",
    "django_tasks_db",
    # core domain (platform/); records is its bottom, imported by every app
    "records",
    "accounts",
    "care",
    "goals",
    "measures",
    "toolbox",
    "alerts",
    "guidance",
    "reports",
    "jobs",
    "reminders",
    # feature domains
    "content",
    "messaging",
    "forum",
    # faces
    "patient_app",
    "clinician_app",
    "relative_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the account read together with the session row (accounts/session_store.py).
    "accounts.middleware.AuthenticationMiddleware",
    # The person's language (accounts/languages.py), in place of Django's LocaleMiddleware.
    "accounts.middleware.LanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "accounts.middleware.ClinicianIdleTimeoutMiddleware",
    "accounts.middleware.ClinicianMFAMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    # NUL and unpaired surrogates in query strings and form fields: 400 before any view.
    "config.input_hygiene.InputHygieneMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PLATFORM_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "patient_app.menu.navigation",
                "clinician_app.menu.navigation",
                "relative_app.menu.navigation",
                "config.context_processors.emergency",
                "config.context_processors.languages",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    if _db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL (psycopg 3).")
    _db["CONN_HEALTH_CHECKS"] = True
    if env_str("TEST_DATABASE_NAME"):
        _db["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "db.sqlite3",
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- channel layer and cache ----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# Each parallel test worker keeps its own keys and groups: a broadcast to a shared group (the
# forum's members, say) in one worker's test must not reach another worker's socket.
REDIS_PREFIX = env_str("REDIS_PREFIX", "care")
if TESTING and env_str("PYTEST_XDIST_WORKER"):
    REDIS_PREFIX += "-" + env_str("PYTEST_XDIST_WORKER")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured("REDIS_URL must start with redis:// or rediss://.")
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": REDIS_PREFIX},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Database sessions that know whose they are (found by index when an account changes).
SESSION_ENGINE = "accounts.session_store"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.EmailBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING and not env_bool("REAL_PASSWORD_HASHING", False)
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 14, minimum=1)
# Clinicians are signed out after this many minutes without a request.
CLINICIAN_IDLE_TIMEOUT_MINUTES = env_int("CLINICIAN_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
# Live sockets (/ws/live/) one signed-in session may hold open at once (one per browser tab);
# the next is refused with close code 4429. Counted in the database, so across processes.
LIVE_SOCKETS_PER_SESSION = env_int("LIVE_SOCKETS_PER_SESSION", 10, minimum=1)
# A live socket that sends nothing (not even its 20-second heartbeat) for this long is closed,
# and no longer counts against its session (a process that died leaves rows behind).
LIVE_SOCKET_SILENT_SECONDS = env_int("LIVE_SOCKET_SILENT_SECONDS", 180, minimum=30)
# Threads (each with its own database connection) that run the live sockets' database work in
# one process; PostgreSQL only (on SQLite, one writer at a time, Channels' one thread is used).
LIVE_DB_THREADS = env_int("LIVE_DB_THREADS", 4, minimum=1)
# API tokens (django-rest-knox): issued on the account page from a signed-in (for clinicians:
# second-factor-confirmed) session, shown once, stored only as a SHA-512 digest, expiring.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30, minimum=1)
API_TOKENS_PER_USER = env_int("API_TOKENS_PER_USER", 5, minimum=1)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "TOKEN_PREFIX": "gc_",  # recognisable in logs and by secret scanners
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
# Clinicians must confirm a TOTP code after the password. Off by default only for the local demo
# and the test suite (tests of MFA switch it on); always on in production.
CLINICIAN_MFA_REQUIRED = env_bool("CLINICIAN_MFA_REQUIRED", not (DEMO_MODE or TESTING))
OTP_TOTP_ISSUER = "Guided Care"
# Failed logins per account before a temporary lock-out, and how long it lasts.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)

# django-guardian: no anonymous user, so no permission can ever be granted to "anyone".
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

# --- e-mail ---------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Guided Care <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
# British dates and a 24-hour clock for English (config/formats/en); da and nb use Django's.
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGES = [("en", _("English")), ("da", _("Danish")), ("nb", _("Norwegian Bokmål"))]
LOCALE_PATHS = [PLATFORM_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- peer support forum (docs/forum.md) ----------------------------------------------------
# The hours a moderator is on duty (published on the forum's banner), in their time zone.
FORUM_STAFFED_HOURS = {
    "days": [0, 1, 2, 3, 4, 5, 6],  # 0 = Monday
    "start": env_str("FORUM_HOURS_START", "08:00"),
    "end": env_str("FORUM_HOURS_END", "22:00"),
    "time_zone": env_str("FORUM_TIME_ZONE", "Europe/Copenhagen"),
}
# Outside those hours: "pre_moderate" (every post waits for a moderator) or "publish" (posts go
# out; three reports hide a post, five across a member's posts make theirs read first).
FORUM_OUT_OF_HOURS = env_str("FORUM_OUT_OF_HOURS", "pre_moderate")
if FORUM_OUT_OF_HOURS not in ("pre_moderate", "publish"):
    raise ImproperlyConfigured("FORUM_OUT_OF_HOURS is 'pre_moderate' or 'publish'")

# --- static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if LOCAL:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PLATFORM_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if LOCAL
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = LOCAL
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # 1 MiB: nothing a patient types is larger

# --- message attachments (docs/messaging.md) ------------------------------------------------
# Private files: outside MEDIA_ROOT and STATIC_ROOT, no URL of their own, readable only by the
# process owner. They are served only by the attachment views, to the thread's participants.
ATTACHMENTS_ROOT = VAR_DIR / "attachments"
STORAGES["attachments"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": ATTACHMENTS_ROOT,
        "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700,
    },
}
# The largest file one attachment may be (checked on the bytes received, not on a header).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 10, minimum=1) * 1024 * 1024

# --- transport security ---------------------------------------------------------------------
# Secure cookies, HSTS and the HTTPS redirect are on everywhere except the local demo and tests.
SECURE = env_bool("SECURE", not LOCAL)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container health check speaks plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS: list[str] = []

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "config.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["config.input_hygiene.HygienicJSONParser"],
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "user": "600/minute"},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Guided Care API",
    "DESCRIPTION": (
        "Patient-owned programme workspaces with consent-based sharing. "
        "Every read of patient data by a clinician is written to the patient's access log."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN, and CSP-compatible.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "UserRoleEnum": "accounts.models.User.Role",
        "CareTeamRoleEnum": "care.models.CareTeamMembership.Role",
        "GoalProposalKindEnum": "goals.models.Proposal.Kind",
        "CrisisPlanKindEnum": "toolbox.models.CrisisKind",
        "NetworkContactKindEnum": "toolbox.models.NetworkKind",
    },
}

# --- logging: never log request bodies or personal data -------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
    },
}


# --- the country whose emergency numbers pages show (care/emergency.py) ----------------------
def _known_countries() -> set[str]:
    from care.emergency import COUNTRIES  # plain data; imports nothing that needs the apps

    return set(COUNTRIES)


DEFAULT_COUNTRY = (env_str("DEFAULT_COUNTRY", "DK") or "").upper()
if DEFAULT_COUNTRY not in _known_countries():
    raise ImproperlyConfigured(
        f"DEFAULT_COUNTRY must be one of {', '.join(sorted(_known_countries()))} (the countries "
        f"whose emergency numbers the platform knows), not {DEFAULT_COUNTRY!r}."
    )

# --- links in e-mails and message notifications ---------------------------------------------
# The site's public address (scheme and host, no path) for links in e-mails. Default: the local
# server, or https:// and the first allowed host in production.
SITE_URL = env_str(
    "SITE_URL",
    "http://127.0.0.1:8000" if LOCAL else (f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else ""),
).rstrip("/")
# A new message is told by e-mail (never its text) once no further message has come for this
# many seconds, or at the latest this long after the first untold one; see docs/messaging.md.
MESSAGE_NOTIFY_DELAY_SECONDS = env_int("MESSAGE_NOTIFY_DELAY_SECONDS", 300, minimum=0)
MESSAGE_NOTIFY_MAX_WAIT_SECONDS = env_int("MESSAGE_NOTIFY_MAX_WAIT_SECONDS", 3600, minimum=0)

# --- background jobs (docs/background-jobs.md) ----------------------------------------------
# Django's task framework (the django-tasks backport) with its database backend: jobs are rows
# in the same database, run by ``manage.py db_worker`` processes; ``manage.py scheduler``
# enqueues the periodic ones, each slot once however many schedulers run (jobs/scheduler.py).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# How often the safety rules (covers, alert rules, escalations) run.
ALERT_RULES_INTERVAL_SECONDS = env_int("ALERT_RULES_INTERVAL_SECONDS", 300, minimum=30)

# --- reminders and web push (docs/reminders.md) ---------------------------------------------
# Reminders chosen for one time of day arrive spread over this many seconds after it (each
# person at the same minute every day), so a service's mornings never leave in one burst.
REMINDER_SPREAD_SECONDS = env_int("REMINDER_SPREAD_SECONDS", 1800, minimum=0)
# Copies of the sending job started each minute; they share the due reminders (SKIP LOCKED).
REMINDER_SEND_LANES = env_int("REMINDER_SEND_LANES", 2, minimum=1)
# VAPID: the private key as PEM. Unset: a key file made under VAR_DIR on first use (one
# machine; a cluster must set it so every process signs with the same key).
WEB_PUSH_VAPID_PRIVATE_KEY = env_str("WEB_PUSH_VAPID_PRIVATE_KEY", "").replace("\\n", "\n")
WEB_PUSH_CONTACT = env_str("WEB_PUSH_CONTACT", "mailto:no-reply@localhost")
# Push services a browser may subscribe with (https only; a host or any subdomain of it).
WEB_PUSH_ALLOWED_HOSTS = env_list(
    "WEB_PUSH_ALLOWED_HOSTS",
    ["fcm.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com"],
)
# Plain-http push hosts: only the tests' local push service double.
WEB_PUSH_INSECURE_HOSTS: list[str] = ["127.0.0.1"] if TESTING else []
WEB_PUSH_TIMEOUT_SECONDS = 10
WEB_PUSH_TTL_SECONDS = 12 * 3600
