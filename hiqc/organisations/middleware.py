from __future__ import annotations

import time
from collections.abc import Callable
from typing import cast

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from hiqc.core.access import Actor
from hiqc.core.http import HiqcRequest
from hiqc.core.rules import rule_value

from .services import actor_for_user, session_expired


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    rid = getattr(request, "request_id", "")
    ip = getattr(request, "client_ip", "")
    if not user.is_authenticated:
        return Actor(user_id=None, username="anonymous", request_id=rid, ip=ip)
    return actor_for_user(user, request_id=rid, ip=ip)


class SessionIdleTimeoutMiddleware:
    """Ends a signed-in session after the rule ``auth.session_idle_minutes`` without a request
    (standard 6.2.3). Sessions also end when the browser closes (set at login)."""

    KEY = "hiqc.last_seen"
    # The time of the last request is written back at most once a minute: a read does not write
    # its session row every time (a database write per page read, issue 13's load figures). The
    # idle time is measured from the last time written, so a session may end up to a minute
    # before the rule's limit, never after it.
    TOUCH_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(self.KEY)
            if last is not None and now - int(last) > rule_value("auth.session_idle_minutes") * 60:
                session_expired(
                    user=request.user,
                    request_id=getattr(request, "request_id", ""),
                    ip=getattr(request, "client_ip", ""),
                )
                logout(request)
            elif last is None or now - int(last) >= self.TOUCH_SECONDS:
                request.session[self.KEY] = now
        return self.get_response(request)


class ActorMiddleware:
    """Builds ``request.actor`` once per request, lazily (DESIGN rule 2)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cast(HiqcRequest, request).actor = cast(Actor, SimpleLazyObject(lambda: _actor(request)))
        return self.get_response(request)
