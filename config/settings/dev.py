"""Local demo / development: SQLite, console e-mail, debug pages."""

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-not-secret-" + "x" * 40  # noqa: F405
(BASE_DIR / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)
