"""Rapport settings: everything comes from the environment, with safe defaults for the
embedded mode (one machine, SQLite under ``var/``) and hard requirements in production."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("RAPPORT_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)
# The user guide and its pictures, shown as the in-app help (docs/ of the checkout).
RAPPORT_DOCS_DIR = Path(os.environ.get("RAPPORT_DOCS_DIR", PACKAGE_DIR.parent.parent / "docs"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


# "embedded" generates what it lacks; "production" refuses to start without its secrets.
MODE = os.environ.get("RAPPORT_MODE", "embedded")
if MODE not in {"embedded", "production"}:
    raise ImproperlyConfigured("RAPPORT_MODE must be 'embedded' or 'production'.")
DEBUG = env_bool("DEBUG")
if DEBUG and MODE == "production":
    raise ImproperlyConfigured("DEBUG must be off when RAPPORT_MODE=production.")


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        if MODE == "production" and (len(key) < 50 or len(set(key)) < 5):
            raise ImproperlyConfigured(
                "SECRET_KEY must be at least 50 characters of at least 5 different kinds "
                "when RAPPORT_MODE=production."
            )
        return key
    if MODE == "production":
        raise ImproperlyConfigured("SECRET_KEY must be set when RAPPORT_MODE=production.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


def _allowed_hosts() -> list[str]:
    if MODE == "production":
        hosts = env_list("ALLOWED_HOSTS")
        if not hosts:
            raise ImproperlyConfigured("ALLOWED_HOSTS must be set when RAPPORT_MODE=production.")
        if "*" in hosts:
            raise ImproperlyConfigured("ALLOWED_HOSTS must name the hosts, not '*', in production.")
        return hosts
    return env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")


SECRET_KEY = _secret_key()
# Secrets kept readable in the database (TOTP seeds) are encrypted with this key, or with one
# derived from SECRET_KEY when it is empty; older keys still decrypt during a rotation.
RAPPORT_FIELD_KEY = os.environ.get("RAPPORT_FIELD_KEY", "")
RAPPORT_FIELD_KEY_FALLBACKS = env_list("RAPPORT_FIELD_KEY_FALLBACKS")
ALLOWED_HOSTS = _allowed_hosts()
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("RAPPORT_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SIGNUP_OPEN = env_bool("RAPPORT_SIGNUP_OPEN", True)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from our own static files, never a CDN
    "axes",
    "django_tasks_db",
    "crontask",
    "rapport.core",
    "rapport.tenancy",
    "rapport.audit",
    "rapport.notify",
    "rapport.clients",
    "rapport.projects",
    "rapport.changes",
    "rapport.reports",
    "rapport.communication",
    "rapport.risks",
    "rapport.feedback",
    "rapport.closure",
    "rapport.lessons",
    "rapport.search",
    "rapport.help",
    "rapport.onboarding",
    "rapport.mailin",
    "rapport.messaging",
    "rapport.meetings",
    "rapport.portal",
    "rapport.portfolio",
    "rapport.webhooks",
    "rapport.portability",
    "rapport.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rapport.tenancy.middleware.PreferencesMiddleware",
    "rapport.tenancy.two_factor.TwoFactorSetupMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Benchmarks only (``make bench``): each response carries its query count in ``X-Queries``.
RAPPORT_BENCH = env_bool("RAPPORT_BENCH")
if RAPPORT_BENCH:
    if MODE == "production":
        raise ImproperlyConfigured("RAPPORT_BENCH is for benchmarks; never set it in production.")
    MIDDLEWARE.insert(0, "rapport.core.bench.QueryCountMiddleware")

ROOT_URLCONF = "rapport.urls"
WSGI_APPLICATION = "rapport.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rapport.tenancy.context_processors.actor",
                "rapport.notify.context_processors.notifications",
                "rapport.core.context_processors.waiting",
            ],
        },
    },
    {
        # Emails' subjects and plain-text bodies: text, not HTML, so nothing is HTML-escaped
        # (a title with an apostrophe must not arrive as "&#x27;").
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "NAME": "text",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- database -----------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rapport.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("RAPPORT_TEST_SQLITE") or None}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache --------------------------------------------------------------------------------
CACHES: dict[str, dict[str, object]]
if REDIS_URL := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # One machine: the web workers, the job worker and the scheduler share a cache in a SQLite
    # file, so that a change made in one process is seen by the next page another process serves
    # (what waits for each member is kept there, keyed by the versions of what it was worked out
    # from; ``rapport.core.sqlite_cache``).
    CACHES = {
        "default": {
            "BACKEND": "rapport.core.sqlite_cache.SQLiteCache",
            "LOCATION": str(VAR_DIR / "cache.sqlite3"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# --- authentication -----------------------------------------------------------------------
AUTH_USER_MODEL = "tenancy.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "rapport.tenancy.hashers.RapportArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("RAPPORT_SECURE_COOKIES", MODE == "production")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Webhooks: a loopback receiver (http://127.0.0.1, localhost) only for development and tests;
# a subscription is paused after this many failed attempts in a row.
# A job running longer than this is taken for abandoned by a dead worker and queued again.
RAPPORT_JOB_LEASE_SECONDS = int(os.environ.get("RAPPORT_JOB_LEASE_SECONDS", "3600"))
RAPPORT_WEBHOOKS_ALLOW_LOOPBACK = env_bool("RAPPORT_WEBHOOKS_ALLOW_LOOPBACK", False)
RAPPORT_WEBHOOKS_PAUSE_AFTER = int(os.environ.get("RAPPORT_WEBHOOKS_PAUSE_AFTER", "10"))
# REST API: requests per token and minute, reads (GET) and writes counted apart.
RAPPORT_API_RATE_LIMITS = {
    "read": int(os.environ.get("RAPPORT_API_READS_PER_MINUTE", "600")),
    "write": int(os.environ.get("RAPPORT_API_WRITES_PER_MINUTE", "120")),
}
RAPPORT_API_IDEMPOTENCY_HOURS = int(os.environ.get("RAPPORT_API_IDEMPOTENCY_HOURS", "24"))
# Refuse PATCH/PUT/DELETE without If-Match (428) instead of writing unconditionally.
RAPPORT_API_REQUIRE_IF_MATCH = env_bool("RAPPORT_API_REQUIRE_IF_MATCH", False)
INVITATION_TTL = timedelta(days=int(os.environ.get("RAPPORT_INVITATION_DAYS", "7")))

# django-axes: lock an email out after repeated failures from the same address.
AXES_FAILURE_LIMIT = int(os.environ.get("RAPPORT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "rapport.tenancy.access.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "rapport.tenancy.access.lockout_username"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# Reverse proxies in front: the client address is taken from X-Forwarded-For, counted from the
# right (rapport.tenancy.actors.client_ip), for the audit trail, axes and the rate limits.
RAPPORT_PROXY_COUNT = int(os.environ.get("RAPPORT_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "rapport.tenancy.actors.client_ip"

# --- internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "rapport_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- message attachments: private files, served only through access-checked downloads ------
RAPPORT_ATTACHMENT_DIR = Path(
    os.environ.get("RAPPORT_ATTACHMENT_DIR", VAR_DIR / "attachments")
).resolve()
RAPPORT_ATTACHMENT_MAX_BYTES = int(os.environ.get("RAPPORT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
RAPPORT_ATTACHMENT_MAX_FILES = 5
# Organisation exports: private files, downloaded only by the organisation's owners.
RAPPORT_EXPORT_DIR = Path(os.environ.get("RAPPORT_EXPORT_DIR", VAR_DIR / "exports")).resolve()
# Finished organisation exports (and their archives) are deleted this many days after.
RAPPORT_EXPORT_KEEP_DAYS = max(1, int(os.environ.get("RAPPORT_EXPORT_KEEP_DAYS", "14")))

# --- security -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
}
if MODE == "production":
    SECURE_SSL_REDIRECT = env_bool("RAPPORT_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("RAPPORT_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("RAPPORT_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("RAPPORT_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- email --------------------------------------------------------------------------------
# Email in: replies to notifications go to reply+TOKEN@<this domain> (see `rapport mail-in`);
# empty: notifications carry no reply address.
RAPPORT_MAIL_IN_DOMAIN = os.environ.get("RAPPORT_MAIL_IN_DOMAIN", "").strip()
RAPPORT_REPLY_TOKEN_DAYS = int(os.environ.get("RAPPORT_REPLY_TOKEN_DAYS", "90"))
RAPPORT_MAIL_IN_MAX_BYTES = int(os.environ.get("RAPPORT_MAIL_IN_MAX_BYTES", str(25 * 1024 * 1024)))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Rapport <rapport@localhost>")
_email_host = os.environ.get("EMAIL_HOST", "")
if _email_host:
    _email_port = int(os.environ.get("EMAIL_PORT", "587"))
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": _email_port,
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", _email_port == 587),
                "use_ssl": env_bool("EMAIL_USE_SSL", _email_port == 465),
                "timeout": 30,
            },
        }
    }
else:
    # Embedded: nothing leaves the machine; the outbox in the app shows every message.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }

# --- jobs ---------------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("RAPPORT_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "email"],
    }
}
CRONTASK = {"REDIS_URL": REDIS_URL or None}

# --- API ----------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django_tasks_db": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "apscheduler": {"level": "WARNING"},  # the scheduler's lock refresh every 5 seconds
        "fontTools": {"level": "WARNING"},
    },
}
