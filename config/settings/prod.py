"""Production: PostgreSQL (DATABASE_URL), Huey, the cache and sessions on Redis, SMTP, HTTPS-only
cookies."""

import os

from .base import *  # noqa: F403
from .base import database_config

DEBUG = False
SECRET_KEY = os.environ["HIQC_SECRET_KEY"]
DATABASES = {"default": database_config(os.environ["DATABASE_URL"])}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
HUEY = {
    "huey_class": "huey.RedisHuey",
    "name": "hiqc",
    "url": REDIS_URL,
    "immediate": False,
    "utc": True,
    "consumer": {"workers": 4, "worker_type": "thread", "periodic": True},
}
# One cache shared by every web process and worker: the rate-limit counters of the public pages
# (hiqc.core.ratelimit) must count across processes, and sessions are read from it. The local-memory
# default counts per process, so N processes would let N times the limit through (issue 14 §4).
# HIQC_CACHE_URL defaults to Huey's Redis (REDIS_URL); the keys carry their own prefix.
CACHES = {
    "default": {
        "BACKEND": "hiqc.core.rediscache.RedisCache",
        "LOCATION": os.environ.get("HIQC_CACHE_URL", REDIS_URL),
        "KEY_PREFIX": "hiqc-cache",
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
    }
}
# Read pages (my work, case lists and pages, the quality overview) come from that shared cache
# while no row has changed, for at most a minute (countdowns move with the clock).
HIQC_PAGE_CACHE_SECONDS = int(os.environ.get("HIQC_PAGE_CACHE_SECONDS", "60"))
# Sessions stay in the database (deactivation ends them there) and are read through the cache.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("HIQC_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("HIQC_EMAIL_PORT", "25"))
EMAIL_USE_TLS = os.environ.get("HIQC_EMAIL_TLS", "1") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("HIQC_EMAIL_FROM", "hiqc@localhost")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = os.environ.get("HIQC_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
