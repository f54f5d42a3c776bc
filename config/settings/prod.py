"""Production: PostgreSQL (DATABASE_URL), Huey on Redis, SMTP, HTTPS-only cookies."""

import os

from .base import *  # noqa: F403
from .base import database_config

DEBUG = False
SECRET_KEY = os.environ["HIQC_SECRET_KEY"]
DATABASES = {"default": database_config(os.environ["DATABASE_URL"])}
HUEY = {
    "huey_class": "huey.RedisHuey",
    "name": "hiqc",
    "url": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    "immediate": False,
    "utc": True,
    "consumer": {"workers": 4, "worker_type": "thread", "periodic": True},
}
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
