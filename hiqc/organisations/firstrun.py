"""The first-run token: proof that whoever fills in the first-run page can read the server's disk.

Written once (mode 600) when the first-run page is first shown on an install without any org
unit; compared in constant time; deleted when the install is bootstrapped. Its path, never its
value, goes to the log.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)


def _path() -> Path:
    return Path(settings.HIQC_FIRST_RUN_TOKEN_FILE)


def first_run_token() -> Path:
    """Make sure the token file exists; return its path."""
    path = _path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(18) + "\n")
        log.warning("HIQC first run: the install token is in %s", path)
    return path


def first_run_token_matches(given: str) -> bool:
    try:
        expected = _path().read_text().strip()
    except FileNotFoundError:
        return False
    return bool(expected) and hmac.compare_digest(expected.encode(), given.strip().encode())


def first_run_token_clear() -> None:
    _path().unlink(missing_ok=True)
