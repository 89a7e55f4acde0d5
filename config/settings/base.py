"""Settings shared by every deployment shape; everything tunable comes from the environment."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


def derived_fernet_key(secret: str, purpose: str) -> str:
    """A stable key derived from SECRET_KEY, for development and tests only."""
    digest = hashlib.sha256(f"anxin:{purpose}:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


SECRET_KEY = env("ANXIN_SECRET_KEY", "insecure-development-key-change-me") or ""
DEBUG = env_bool("ANXIN_DEBUG", False)
ALLOWED_HOSTS = env_list("ANXIN_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("ANXIN_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "csp",
    "anxin.core",
    "anxin.accounts",
    "anxin.catalog",
    "anxin.policies",
    "anxin.cases",
    "anxin.notifications",
    "anxin.tickets",
    "anxin.knowledge",
    "anxin.disputes",
    "anxin.reviews",
    "anxin.quality",
    "anxin.credit",
    "anxin.feedback",
    "anxin.assistant",
    "anxin.analytics",
    "anxin.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "anxin.core.middleware.BodySizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "anxin.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anxin.web.context_processors.ui",
            ],
        },
    }
]

# --- database -----------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", "sqlite:///var/anxin.sqlite3") or ""
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    name = Path(str(_db["NAME"]))
    if str(name) != ":memory:" and not name.is_absolute():
        _db["NAME"] = str(BASE_DIR / name)
    _db["CONN_MAX_AGE"] = 0
    # BEGIN IMMEDIATE takes the write lock up front, so concurrent writers queue instead of failing.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")

# --- auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Brute-force lockout: 5 failures per (username, IP) lock that pair for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

CSRF_FAILURE_VIEW = "anxin.web.views.errors.csrf_failure"

# --- content security policy (django-csp) -------------------------------------------------------
# Scripts and style sheets only from our own static files: no inline <script>, no CDN. Inline
# style *attributes* are allowed (charts position their tooltips with them); see ADR 0006.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- i18n -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("ANXIN_TIME_ZONE", "Asia/Shanghai") or "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static ---------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "media/"

# --- request limits -------------------------------------------------------------------------------
# API bodies above this are refused with 413 before anything reads them.
ANXIN_MAX_BODY_BYTES = int(env("ANXIN_MAX_BODY_BYTES", str(2 * 1024 * 1024)) or 0)
DATA_UPLOAD_MAX_MEMORY_SIZE = ANXIN_MAX_BODY_BYTES
# Evidence uploads: a 10 MB photo plus multipart overhead; files above 2.5 MB go to a temp file.
ANXIN_MAX_UPLOAD_BYTES = int(env("ANXIN_MAX_UPLOAD_BYTES", str(11 * 1024 * 1024)) or 0)

# --- personal data encryption ---------------------------------------------------------------------
# Comma-separated Fernet keys; the first encrypts, all decrypt (rotation: prepend a new key, run
# `manage.py rotate_field_keys`, then drop the old one).
ANXIN_FIELD_KEYS = env_list("ANXIN_FIELD_KEYS") or [derived_fernet_key(SECRET_KEY, "fields")]
# Key of the keyed hash used to look personal data up (phone numbers) without decrypting.
ANXIN_LOOKUP_KEY = env("ANXIN_LOOKUP_KEY", derived_fernet_key(SECRET_KEY, "lookup")) or ""

# --- money ----------------------------------------------------------------------------------------
ANXIN_DEFAULT_CURRENCY = "CNY"
# The assistant's intent model: versioned artifacts written by `manage.py assistant_train`.
ANXIN_ASSISTANT_MODEL_DIR = Path(
    env("ANXIN_ASSISTANT_MODEL_DIR", "") or BASE_DIR / "var" / "assistant"
)

# --- celery (only when REDIS_URL is set; the embedded shape runs tasks in-process) -----------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {"task": "anxin.core.deadline_sweep", "schedule": 2.0},
    "deliver-outbox": {"task": "anxin.notifications.outbox_deliver", "schedule": 5.0},
    "chain-audit": {"task": "anxin.core.audit_chain", "schedule": 30.0},
    "revisits": {"task": "anxin.tickets.revisits_generate", "schedule": 600.0},
    "nps-invitations": {"task": "anxin.feedback.nps_invite_due", "schedule": 3600.0},
    # Idempotent per day: an hourly run refreshes today's figures and acts at most once.
    "credit-recompute": {"task": "anxin.credit.recompute_daily", "schedule": 3600.0},
    # Analytics: incremental (from a watermark, under a row lock), cheap to run often; the
    # targets are checked once the night's figures are in; last month is published on the 1st.
    "analytics-refresh": {"task": "anxin.analytics.refresh", "schedule": 300.0},
    "analytics-targets": {
        "task": "anxin.analytics.targets_check",
        "schedule": crontab(hour=6, minute=30),
    },
    "analytics-transparency": {
        "task": "anxin.analytics.transparency_publish",
        "schedule": crontab(day_of_month="1", hour=7, minute=0),
    },
    "quality-scan": {"task": "anxin.quality.scan_daily", "schedule": crontab(hour=2, minute=15)},
    "quality-reports": {
        "task": "anxin.quality.reports_monthly",
        "schedule": crontab(day_of_month="1", hour=8, minute=0),
    },
}
# The embedded shape (make run) sweeps deadlines in a thread of the development server.
ANXIN_EMBEDDED_SWEEPER = env_bool("ANXIN_EMBEDDED_SWEEPER", False)

# One line per event, one handler: Django's own "django" handler is dropped, so nothing prints twice.
# A 4xx answer is not our error: django.request logs only 5xx (with their traceback), and a client's
# suspicious request (django.security: bad Host header, CSRF) is one line without a traceback. The
# development server and the access log of a production server still list every request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "anxin.core.logfilters.ClientErrorWithoutTraceback"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["client_errors"],
        }
    },
    "root": {"handlers": ["console"], "level": env("ANXIN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},  # four INFO lines per successful login; failures stay
    },
}

# --- refunds --------------------------------------------------------------------------------------
# "ledger" records refunds for settlement; "http" calls ANXIN_REFUND_HTTP_URL (idempotent by id).
ANXIN_REFUND_PROVIDER = env("ANXIN_REFUND_PROVIDER", "ledger") or "ledger"
ANXIN_REFUND_HTTP_URL = env("ANXIN_REFUND_HTTP_URL", "") or ""
ANXIN_REFUND_HTTP_SECRET = env("ANXIN_REFUND_HTTP_SECRET", "") or ""

# --- service desk: e-mail in and out, public links -------------------------------------------------
# Disputes (docs/domain.md P-8…P-13): claims up to this amount may be paid by the platform at once
# (fast track, 先行赔付) and go to a public review panel; the deposit every merchant keeps.
ANXIN_DISPUTE_FAST_TRACK_MAX = env("ANXIN_DISPUTE_FAST_TRACK_MAX", "200.00") or "200.00"
ANXIN_DISPUTE_JURY_MAX = env("ANXIN_DISPUTE_JURY_MAX", "500.00") or "500.00"
ANXIN_DISPUTE_JURY_SIZE = int(env("ANXIN_DISPUTE_JURY_SIZE", "5") or 5)
ANXIN_DEPOSIT_REQUIRED = env("ANXIN_DEPOSIT_REQUIRED", "2000.00") or "2000.00"
# A shop restricted for low credit answers new requests within this many hours (policy default 48).
ANXIN_RESTRICTED_REVIEW_HOURS = int(env("ANXIN_RESTRICTED_REVIEW_HOURS", "24") or 24)
# What a failed first quality inspection costs the shop, deducted from its deposit.
ANXIN_QUALITY_PENALTY = env("ANXIN_QUALITY_PENALTY", "500.00") or "500.00"

ANXIN_SUPPORT_EMAIL = env("ANXIN_SUPPORT_EMAIL", "") or ""  # Reply-To of customer e-mails
ANXIN_MAIL_DOMAIN = env("ANXIN_MAIL_DOMAIN", "") or ""  # right-hand side of our Message-IDs
ANXIN_SITE_URL = env("ANXIN_SITE_URL", "") or ""  # for links in e-mails (else the request's host)
ANXIN_INBOUND_MAIL_SECRET = env("ANXIN_INBOUND_MAIL_SECRET", "") or ""  # HMAC of the mail webhook
ANXIN_IMAP_HOST = env("ANXIN_IMAP_HOST", "") or ""
ANXIN_IMAP_PORT = int(env("ANXIN_IMAP_PORT", "0") or 0)
ANXIN_IMAP_USER = env("ANXIN_IMAP_USER", "") or ""
ANXIN_IMAP_PASSWORD = env("ANXIN_IMAP_PASSWORD", "") or ""
ANXIN_IMAP_SSL = env_bool("ANXIN_IMAP_SSL", True)
ANXIN_IMAP_FOLDER = env("ANXIN_IMAP_FOLDER", "INBOX") or "INBOX"

# --- carrier tracking webhooks --------------------------------------------------------------------
# "kuaidi100=<salt>,generic=<secret>"; development derives both from SECRET_KEY.
ANXIN_TRACKING_SECRETS = dict(
    item.split("=", 1) for item in env_list("ANXIN_TRACKING_SECRETS") if "=" in item
) or {
    "kuaidi100": derived_fernet_key(SECRET_KEY, "kuaidi100"),
    "generic": derived_fernet_key(SECRET_KEY, "tracking"),
}
