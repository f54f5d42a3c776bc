"""`make demo`: the development settings (SQLite, console e-mail, demo key file) with DEBUG off.

A demo is what a newcomer judges the product by, so it answers like production: the real 403, 404
and 500 pages (never Django's technical pages, which list every route), and no tracebacks on the
console for a refused request. Static files are served by WhiteNoise straight from the finders,
so no ``collectstatic`` is needed. ``make dev`` keeps ``config.settings.dev`` with DEBUG on.
"""

from .dev import *  # noqa: F403
from .dev import STORAGES

DEBUG = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
