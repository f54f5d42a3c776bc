"""Rate limits hold across processes on the production cache (issue 14 §4).

The cross-process tests start two Python processes on ``config.settings.prod`` (its Redis cache
pointed at ``HIQC_TEST_REDIS_URL``, default Redis database 11) that count against the same limit at
the same moment. Skipped when no Redis answers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

from hiqc.core.ratelimit import RateLimited, _cache_key, rate_check

REDIS_URL = os.environ.get("HIQC_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
REDIS_CACHE = {
    "default": {
        "BACKEND": "hiqc.core.rediscache.RedisCache",  # as in production
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "hiqc-test",
    }
}


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not _redis_up(), reason=f"no Redis at {REDIS_URL}")


@pytest.fixture
def scope() -> Iterator[str]:
    """A scope of its own per test; its counters are deleted afterwards (the database is shared)."""
    name = f"test-{uuid.uuid4().hex}"
    yield name
    if _redis_up():
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"*{name}*"):
            client.delete(key)


# One process counting 10 requests against a limit of 10 per minute, started by a line on stdin so
# that both processes count at the same time. It prints its cache backend, then how many got through.
CHILD = r"""
import sys
import django
django.setup()
from django.conf import settings
from django.core.cache import caches
from django.test.utils import override_settings
scope, backend = sys.argv[1], sys.argv[2]
if backend == "locmem":  # the production settings before issue 14: a cache per process
    override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ).enable()
from hiqc.core.ratelimit import RateLimited, rate_check
print(type(caches["default"]).__name__, settings.SESSION_ENGINE, flush=True)
sys.stdin.readline()
allowed = 0
for _ in range(10):
    try:
        rate_check(scope, "code:ip", "203.0.113.7", limit=(10, 60))
        allowed += 1
    except RateLimited:
        pass
print(allowed, flush=True)
"""


def _two_processes(scope: str, backend: str = "prod") -> tuple[list[str], int]:
    """Run CHILD in two processes at once; (what each said about its settings, total allowed)."""
    base_dir = Path(settings.BASE_DIR)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "HIQC_SECRET_KEY": "ratelimit-test-" + "x" * 50,
        "DATABASE_URL": f"sqlite:///{base_dir / 'var' / 'ratelimit-test-unused.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "HIQC_CACHE_URL": REDIS_URL,
    }
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, scope, backend],
            cwd=base_dir,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        said = []
        for child in children:  # both are set up before either counts
            assert child.stdout is not None
            line = child.stdout.readline().strip()
            assert line, child.communicate(timeout=30)[1]
            said.append(line)
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        total = 0
        for child in children:
            out, err = child.communicate(timeout=60)
            assert child.returncode == 0, err
            total += int(out.strip())
        return said, total
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()


@needs_redis
def test_production_limit_holds_across_two_processes(scope):
    said, allowed = _two_processes(scope)
    assert said == ["RedisCache django.contrib.sessions.backends.cached_db"] * 2
    assert allowed == 10  # 2 processes x 10 attempts against a limit of 10


@needs_redis
def test_a_cache_per_process_lets_the_limit_through_once_per_process(scope):
    """The control: with a local-memory cache in each process (issue 14's finding) 20 get through,
    so the test above would notice a cache that is not shared."""
    _said, allowed = _two_processes(scope, backend="locmem")
    assert allowed == 20


@needs_redis
@override_settings(CACHES=REDIS_CACHE)
def test_a_window_on_redis_has_an_expiry_and_refuses_beyond_the_limit(scope):
    for _ in range(3):
        rate_check(scope, "code:ip", "198.51.100.1", limit=(3, 120))
    with pytest.raises(RateLimited) as exc:
        rate_check(scope, "code:ip", "198.51.100.1", limit=(3, 120))
    assert exc.value.retry_after == 120
    rate_check(scope, "code:ip", "198.51.100.2", limit=(3, 120))  # another address, its own count
    backend = caches["default"]
    key = backend.make_and_validate_key(_cache_key(scope, "code:ip", "198.51.100.1"))
    client = redis.Redis.from_url(REDIS_URL)
    assert 0 < client.ttl(key) <= 120
    assert int(client.get(key) or 0) == 4


@needs_redis
@override_settings(CACHES=REDIS_CACHE)
def test_a_counter_left_without_expiry_gets_one(scope):
    """Django's RedisCache.incr checks that the key exists, then increments: a window ending in
    between leaves a counter without expiry, which would refuse that address for good."""
    key = caches["default"].make_and_validate_key(_cache_key(scope, "code:ip", "198.51.100.3"))
    client = redis.Redis.from_url(REDIS_URL)
    client.set(key, 2)
    assert client.ttl(key) == -1
    rate_check(scope, "code:ip", "198.51.100.3", limit=(10, 60))
    assert int(client.get(key) or 0) == 3
    assert 0 < client.ttl(key) <= 60


def test_local_memory_counts_within_the_window_and_starts_again_after_it(scope):
    import time_machine

    with time_machine.travel("2026-03-02 09:00:00+08:00", tick=False) as clock:
        for _ in range(2):
            rate_check(scope, "verify:ip", "198.51.100.4", limit=(2, 60))
        with pytest.raises(RateLimited):
            rate_check(scope, "verify:ip", "198.51.100.4", limit=(2, 60))
        clock.shift(61)
        rate_check(scope, "verify:ip", "198.51.100.4", limit=(2, 60))
