"""Rendered pages kept for a short while, dropped by any change to the data (issue 13 §6).

A read page (我的待办, a case list, a case page, the quality overview) is rendered again and again
while nothing it shows has changed. ``cached_page`` keeps its HTML in the shared cache, per user,
language and URL, under the current **data generation**: a counter in the cache that every
committed write to the database raises (``data_changed``). So a page is served from the cache only
while no row anywhere has changed since it was rendered — the invalidation cannot forget a table,
because it does not name any — and for at most ``HIQC_PAGE_CACHE_SECONDS`` (countdowns move with
the clock, not with the data).

How writes are seen: every database connection of every process (web workers, the job consumer,
management commands) gets an execute wrapper when it is opened (``install``). An ``INSERT``,
``UPDATE`` or ``DELETE`` (except on the session table and the periodic jobs' bookkeeping, which no
cached page shows) raises the generation when its transaction commits. Bulk paths that write with
``COPY`` on the raw driver call ``data_changed`` themselves (``core.bulkwrite``, the call import).

What is never served from the cache or stored in it:
- anything but a GET answered 200 by a signed-in user;
- a request whose own processing wrote to the database (a read that leaves an audit record, a
  reveal): serving it again from the cache would skip that record;
- a request with a flash message waiting to be shown.

The page is rendered for its user: the key holds the user's id, the language, HTMX's partial-page
header and the full path. The CSRF token in it is the only per-browser part: it is cut out before
the page is stored and a fresh one for the browser asking is put in when it is served.

Off unless ``HIQC_PAGE_CACHE_SECONDS`` > 0 — the production settings turn it on, where the cache is
Redis and shared by every process. With a per-process cache (development, the demo's local
memory) one process would not see another's writes.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import logging
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

GENERATION_KEY = "hiqc:data-generation"
logger = logging.getLogger(__name__)
_WRITE = re.compile(r"^\s*(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# Tables whose writes change nothing a cached page shows: a session's last-seen time, and the
# bookkeeping every periodic run leaves (shown only on /healthz and the operations page, which
# are never cached) — else the per-minute jobs would empty the cache every minute.
_IGNORED = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(?:django_session|core_jobstate|core_jobrun)"?\b',
    re.IGNORECASE,
)
# where a page carries the token: the forms' hidden field and HTMX's request headers
_CSRF_FIELD = re.compile(
    rb'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{64})"'
)
_CSRF_SENTINEL = b"\x00hiqc-csrf\x00"

# whether the current request (or job) has written anything: such a request is not cached
_wrote: contextvars.ContextVar[bool] = contextvars.ContextVar("hiqc_wrote", default=False)


def enabled() -> bool:
    return int(getattr(settings, "HIQC_PAGE_CACHE_SECONDS", 0) or 0) > 0


def generation() -> int:
    return int(cache.get(GENERATION_KEY) or 0)


def _bump() -> None:
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not there yet (or evicted): start it; a racing process may have
            if not cache.add(GENERATION_KEY, 1, timeout=None):
                cache.incr(GENERATION_KEY)
    except Exception as exc:  # the write has committed: a cache outage must not fail it
        # (pages cached before it expire within HIQC_PAGE_CACHE_SECONDS)
        logger.warning("page cache: generation not raised (%s)", type(exc).__name__)


def data_changed(using: str = "default") -> None:
    """The data changed: raise the generation when the current transaction commits (now outside
    one), once per transaction however many rows it wrote."""
    _wrote.set(True)
    if not enabled():
        return
    connection = connections[using]
    if not connection.in_atomic_block:
        _bump()
        return
    if not any(entry[1] is _bump for entry in connection.run_on_commit):
        transaction.on_commit(_bump, using=using)


class _Watch:
    def __init__(self, using: str) -> None:
        self.using = using

    def __call__(
        self, execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: Any
    ):
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and _WRITE.match(sql) and not _IGNORED.match(sql):
            data_changed(self.using)
        return result


def install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: watch the connection's writes. The signal comes again
    each time the same connection object reconnects: it is watched once."""
    if not any(isinstance(w, _Watch) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_Watch(connection.alias))


def _has_messages(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return "messages" in request.COOKIES or bool(session and session.get("_messages"))


def _key(request: HttpRequest) -> str:
    parts = [
        str(request.user.pk),
        getattr(request, "LANGUAGE_CODE", ""),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        request.get_full_path(),
    ]
    return "hiqc:page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _with_token(request: HttpRequest, body: bytes) -> bytes:
    if _CSRF_SENTINEL not in body:
        return body
    return body.replace(_CSRF_SENTINEL, get_token(request).encode())


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve ``view``'s page from the cache while the data has not changed (see the module)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (
            not enabled()
            or request.method != "GET"
            or not request.user.is_authenticated
            or _has_messages(request)
        ):
            return view(request, *args, **kwargs)
        key = _key(request)
        try:  # the generation and the page in one round trip
            got = cache.get_many([GENERATION_KEY, key])
        except Exception as exc:  # the cache is down: render the page as if there were none
            logger.warning("page cache: not read (%s)", type(exc).__name__)
            return view(request, *args, **kwargs)
        current = int(got.get(GENERATION_KEY) or 0)
        hit = got.get(key)
        if hit is not None and hit[0] == current:  # rendered since the last committed write
            _generation, content_type, body = hit
            return HttpResponse(_with_token(request, body), content_type=content_type)
        token = _wrote.set(False)
        try:
            response = view(request, *args, **kwargs)
            wrote = _wrote.get()
        finally:
            _wrote.reset(token)
        if (
            response.status_code == 200
            and not wrote
            and not response.streaming
            and not response.cookies  # only the body is kept: a view's own cookie would be lost
            and not response.has_header("Content-Disposition")
        ):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            body = response.content
            match = _CSRF_FIELD.search(body)
            if match:
                body = body.replace(match.group(1), _CSRF_SENTINEL)
            try:
                # under the generation read before the view ran: a write that committed while it
                # rendered leaves the page already stale
                value = (current, response["Content-Type"], body)
                cache.set(key, value, settings.HIQC_PAGE_CACHE_SECONDS)
            except Exception as exc:
                logger.warning("page cache: not stored (%s)", type(exc).__name__)
        return response

    return wrapped
