"""Logging filters referenced by the LOGGING settings.

``ClientErrorsWithoutTraceback``: Django logs every refused request (403, 404) on
``django.request`` with the exception attached, so a demo's console fills with tracebacks of
requests that went exactly as designed. A client error keeps its one warning line (method, path,
status); only server errors (5xx) keep their traceback.
"""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
