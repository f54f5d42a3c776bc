from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from hiqc.core.access import Actor
from hiqc.core.http import HiqcRequest

from .services import actor_for_user


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    rid = getattr(request, "request_id", "")
    ip = getattr(request, "client_ip", "")
    if not user.is_authenticated:
        return Actor(user_id=None, username="anonymous", request_id=rid, ip=ip)
    return actor_for_user(user, request_id=rid, ip=ip)


class ActorMiddleware:
    """Builds ``request.actor`` once per request, lazily (DESIGN rule 2)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cast(HiqcRequest, request).actor = cast(Actor, SimpleLazyObject(lambda: _actor(request)))
        return self.get_response(request)
