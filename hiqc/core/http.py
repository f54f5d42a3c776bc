"""The request type our middleware produces: every view and endpoint receives one."""

from __future__ import annotations

from django.http import HttpRequest

from .access import Actor


class HiqcRequest(HttpRequest):
    actor: Actor  # set by hiqc.organisations.middleware.ActorMiddleware (or the API token auth)
    request_id: str  # set by hiqc.core.middleware.RequestContextMiddleware
    client_ip: str
