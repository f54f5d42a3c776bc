"""The production cache backend keeps one Redis client per connection pool."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import caches
from django.test import override_settings

from hiqc.core.rediscache import RedisCache

from .test_ratelimit import REDIS_URL, _redis_up

pytestmark = pytest.mark.skipif(not _redis_up(), reason="needs Redis at HIQC_TEST_REDIS_URL")
CACHE = {
    "default": {
        "BACKEND": "hiqc.core.rediscache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "hiqc-test-client",
    }
}


@override_settings(CACHES=CACHE)
def test_one_client_per_pool_serves_every_call_and_every_thread():
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    inner = cache._cache  # type: ignore[attr-defined]
    client = inner.get_client()
    assert inner.get_client(write=True) is client
    seen = []

    def work(n: int) -> None:
        cache.set(f"k{n}", n, 30)
        seen.append(cache.get(f"k{n}"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == list(range(8))
    assert cache.incr("k3") == 4
    cache.delete_many([f"k{n}" for n in range(8)])
