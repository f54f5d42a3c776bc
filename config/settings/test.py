"""Test settings: SQLite by default, HIQC_TEST_DATABASE_URL (PostgreSQL) when set."""

import base64
import json
import os

from .base import *  # noqa: F403
from .base import BASE_DIR, HUEY, STORAGES, database_config

SECRET_KEY = "test-only-not-secret-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["*"]
_url = os.environ.get("HIQC_TEST_DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'test.sqlite3'}"
DATABASES = {"default": database_config(_url)}
DATABASES["default"]["CONN_MAX_AGE"] = 0  # live-server threads must not hold connections
DATABASES["default"]["TEST"] = {"NAME": None}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file (not :memory:) so the browser tests' live server and the raw-storage tests see it.
    DATABASES["default"]["TEST"]["NAME"] = str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HIQC_FIELD_KEYS = json.dumps(
    {
        "current": "t1",
        "keys": {"t1": base64.b64encode(b"k" * 32).decode()},
        "hash_key": base64.b64encode(b"h" * 32).decode(),
    }
)
(BASE_DIR / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)
LOGGING = {"version": 1, "disable_existing_loggers": False}

# A small internal case type that proves the case engine until the domains land (issue 3).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.engine"]  # noqa: F405

# The demo loader's test loads a small demo: a tenth of the call volume.
HIQC_DEMO_CALLS_PER_YEAR = 20_000

# Backups written by the tests (the daily job runs in the date tests) stay apart from the demo's.
HIQC_BACKUP_DIR = str(BASE_DIR / "var" / f"test-backups-{os.getpid()}")

# Evidence is computed on every request in tests (each test has its own data; a test of the cache
# turns it on with override_settings).
HIQC_CONFORMANCE_CACHE_SECONDS = 0

# Tests decide their own proxies (override_settings), whatever the environment says.
HIQC_TRUSTED_PROXIES = []
