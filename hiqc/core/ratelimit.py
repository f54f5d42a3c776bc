"""Fixed-window rate limits for public pages and endpoints (Django cache), shared by the online
claims and the survey answer pages. Keys are hashed: no policy number, token or address is kept in
clear in the cache.

A limit holds across processes only when the cache is shared: production configures Redis
(``config.settings.prod``); the local-memory default of dev and tests counts per process. On Redis
one server-side script increments the counter and gives a new window its expiry, so concurrent
requests of any number of processes are counted exactly once each, and no counter can be left
without an expiry (Django's ``RedisCache.incr`` checks that the key exists and then increments it:
a window that ends between the two would leave a counter that never expires).
"""

from __future__ import annotations

import hashlib

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from django.utils.translation import gettext as _

from .errors import HiqcError

# KEYS[1] the counter, ARGV[1] the window in seconds. A counter without an expiry (PTTL -1) can
# only be one this script has just created, or a leftover of a non-atomic writer: either way it
# gets the window's expiry.
_REDIS_COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""


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


def _count(cache_key: str, window: int) -> int:
    """Add one request to the window's counter and return the new count, atomically."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        key = backend.make_and_validate_key(cache_key)
        client = backend._cache.get_client(key, write=True)  # type: ignore[attr-defined]
        return int(client.eval(_REDIS_COUNT, 1, key, window))
    # Other backends: add() opens the window, incr() counts in it. Local memory does each under a
    # lock (one process only); a backend whose incr is get-then-set would not be atomic.
    for _attempt in range(3):
        if backend.add(cache_key, 1, timeout=window):
            return 1
        try:
            return int(backend.incr(cache_key))
        except ValueError:  # the window ended between add and incr: open the next one
            continue
    return 1


def rate_check(scope: str, bucket: str, key: str, *, limit: tuple[int, int]) -> None:
    """Count one request in a fixed window; refuse with 429 beyond ``limit`` = (requests,
    window in seconds)."""
    count_max, window = limit
    count = _count(_cache_key(scope, bucket, key), window)
    if count > count_max:
        minutes = max(1, window // 60)
        raise RateLimited(
            _("操作过于频繁，请稍后再试（{minutes} 分钟内最多 {n} 次）。").format(
                minutes=minutes, n=count_max
            ),
            retry_after=window,
        )
