"""Fixed-window rate limits for public pages and endpoints (Django cache), shared by the online
claims and the survey answer pages. Keys are hashed: no policy number, token or address is kept in
clear in the cache."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils.translation import gettext as _

from .errors import HiqcError


class RateLimited(HiqcError):
    """429: too many requests from this address or for this subject."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def as_body(self) -> dict:
        return {**super().as_body(), "retry_after": self.retry_after}


def _cache_key(scope: str, bucket: str, key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"hiqc:{scope}:{bucket}:{digest}"


def rate_check(scope: str, bucket: str, key: str, *, limit: tuple[int, int]) -> None:
    """Count one request in a fixed window; refuse with 429 beyond ``limit`` = (requests,
    window in seconds)."""
    count_max, window = limit
    cache_key = _cache_key(scope, bucket, key)
    if cache.add(cache_key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=window)
            count = 1
    if count > count_max:
        minutes = max(1, window // 60)
        raise RateLimited(
            _("操作过于频繁，请稍后再试（{minutes} 分钟内最多 {n} 次）。").format(
                minutes=minutes, n=count_max
            ),
            retry_after=window,
        )
