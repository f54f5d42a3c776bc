"""Settings shared by every environment. Environment-specific files import * from here."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("HIQC_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [
    h for h in os.environ.get("HIQC_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "huey.contrib.djhuey",
    "hiqc.core",
    "hiqc.organisations",
    "hiqc.customers",
    "hiqc.callcentre",
    "hiqc.consultations",
    "hiqc.complaints",
    "hiqc.policies",
    "hiqc.claims",
    "hiqc.claimaudit",
    "hiqc.inspection",
    "hiqc.surveys",
    "hiqc.quality",
    "hiqc.products",
    "hiqc.people",
    "hiqc.facilities",
    "hiqc.compliance",
    "hiqc.emergency",
    "hiqc.information",
    # the standard as data, its evidence rules and self-assessment rounds (ADRs 0034, 0035): a
    # case kind, so before process_management; its demo runs last (hiqc.demo.domains, RUN_LAST)
    "hiqc.conformance",
    # after every app with a case kind: its ready() declares the per-process indicators of the
    # case kinds registered before it (issue 16 §5)
    "hiqc.process_management",
    "hiqc.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hiqc.core.middleware.RequestContextMiddleware",
    "hiqc.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # before anything reads a body (the CSRF check reads a form's): 413 for one too large
    "hiqc.core.bodylimit.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hiqc.organisations.middleware.SessionIdleTimeoutMiddleware",
    "hiqc.organisations.middleware.ActorMiddleware",
    "hiqc.core.inputguard.NulGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "hiqc.core.middleware.HiqcErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hiqc.core.context_processors.layout",
            ],
        },
    }
]


def database_config(url: str) -> dict:
    """One place that turns a DATABASE_URL into Django settings for either engine."""
    config: dict = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # IMMEDIATE: a write transaction takes the lock when it begins, so concurrent
            # writers queue instead of failing half-way (see ADR 0006).
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    return config


DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'hiqc.sqlite3'}")
DATABASES = {"default": database_config(DATABASE_URL)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = ["hiqc.organisations.auth.LockoutModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: idle expiry and closed with the browser. The idle timeout proper is the rule
# auth.session_idle_minutes (hiqc.organisations.middleware.SessionIdleTimeoutMiddleware), which
# writes the session back at most once a minute; each write also renews the row's expiry.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "media"

# Background jobs (ADR 0003). `immediate` is always set explicitly: djhuey would default it to DEBUG.
HUEY = {
    "huey_class": "huey.SqliteHuey",
    "name": "hiqc",
    "filename": str(BASE_DIR / "var" / "huey.sqlite3"),
    "immediate": False,
    "utc": True,
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}

# Field encryption keys (ADR 0006): from HIQC_FIELD_KEYS (JSON) or a key file outside the repo.
HIQC_KEY_FILE = os.environ.get(
    "HIQC_KEY_FILE",
    str(Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "hiqc" / "keys.json"),
)
HIQC_FIELD_KEYS = os.environ.get("HIQC_FIELD_KEYS", "")

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "hiqc@localhost"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors": {"()": "hiqc.core.logfilters.ClientErrorsWithoutTraceback"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["client_errors"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # run_huey installs its own handler on "huey"; do not print every line twice
        "huey": {"level": "INFO", "propagate": False},
        # a damaged upload is refused with its reason (hiqc.core.filecheck); pypdf's own
        # warnings about it would only repeat that, once per broken object
        "pypdf": {"level": "ERROR"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_CLASS = "hiqc.core.pagination.Pagination"

HIQC_PRODUCT_NAME = _("健康保险服务质量控制平台")
# Read pages served from the cache while no data has changed, for at most this many seconds
# (hiqc/core/pagecache.py). 0 = off: it needs a cache every process shares (production's Redis).
HIQC_PAGE_CACHE_SECONDS = 0
# How long an evidence rule's result for a unit and period is kept (issue 22; ADR 0034): the
# clause pages read it from the cache, "重新计算" recomputes; 0 computes on every request.
HIQC_CONFORMANCE_CACHE_SECONDS = int(os.environ.get("HIQC_CONFORMANCE_CACHE_SECONDS", "600"))

# How far after the server's clock a time given as "now" may lie before it is refused as in the
# future: the drift of an unsynchronised PC, phone or source system (hiqc.core.calendar.clock_skew).
HIQC_CLOCK_SKEW_SECONDS = int(os.environ.get("HIQC_CLOCK_SKEW_SECONDS", "300"))

# The first-run page's install token (hiqc.organisations.firstrun), kept outside static files.
HIQC_FIRST_RUN_TOKEN_FILE = os.environ.get(
    "HIQC_FIRST_RUN_TOKEN_FILE", str(BASE_DIR / "var" / "first-run.token")
)

# Encrypted backups and their manifests (manage.py backup / restore --verify; ADR 0014).
HIQC_BACKUP_DIR = os.environ.get("HIQC_BACKUP_DIR", str(BASE_DIR / "var" / "backups"))


def trusted_proxies(raw: str) -> list[str]:
    """Comma-separated proxy addresses or networks (``10.0.0.5``, ``10.0.0.0/24``, ``fd00::/8``),
    checked here so a mistyped entry stops the start-up instead of silently trusting nobody."""
    return [str(ipaddress.ip_network(p.strip(), strict=False)) for p in raw.split(",") if p.strip()]


# The load balancers / reverse proxies in front of the web processes. Only a request whose
# REMOTE_ADDR is one of them has its client address taken from X-Forwarded-For (the right-most
# address that is not a trusted proxy); from anyone else the header is ignored
# (hiqc.core.middleware.client_address). Empty: REMOTE_ADDR is the client.
HIQC_TRUSTED_PROXIES = trusted_proxies(os.environ.get("HIQC_TRUSTED_PROXIES", ""))
