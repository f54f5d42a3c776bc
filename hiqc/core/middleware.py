"""Request id / client address, and security headers the framework does not set."""

from __future__ import annotations

import functools
import ipaddress
import re
import uuid
from collections.abc import Callable, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .http import HiqcRequest

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(t, strict=False) for t in trusted)


def _address(value: str) -> IPAddress | None:
    """An address as a proxy writes it: bare, ``1.2.3.4:port`` or ``[v6]:port``; None otherwise."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(remote_addr: str, forwarded_for: str, trusted: Sequence[str]) -> str:
    """The client's address for rate limits and the audit trail.

    ``REMOTE_ADDR`` unless it is one of the ``trusted`` proxies (``HIQC_TRUSTED_PROXIES``). From a
    trusted proxy, ``X-Forwarded-For`` is read from the right: every proxy appends the address it
    received the request from, so the right-most address that is not a trusted proxy is the
    client; what lies left of it was written by that client and may be forged. A malformed entry
    stops the walk at the last trusted proxy; a chain of nothing but proxies gives its left-most.
    """
    if not trusted:
        return remote_addr
    networks = _networks(tuple(trusted))
    current = _address(remote_addr)
    if current is None or not any(current in n for n in networks):
        return remote_addr
    hops = [h for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break
        current = address
        if not any(address in n for n in networks):
            break
    return str(current)


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID) and the client address for rate limits
    and the audit trail (``client_address``: X-Forwarded-For only from a trusted proxy)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HiqcRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.client_ip = client_address(
            request.META.get("REMOTE_ADDR", ""),
            request.META.get("HTTP_X_FORWARDED_FOR", ""),
            getattr(settings, "HIQC_TRUSTED_PROXIES", ()),
        )
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class ContentSecurityPolicyMiddleware:
    """A CSP without inline scripts or styles, and a restrictive permissions policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class HiqcErrorMiddleware:
    """Pages: a NotFound becomes the 404 page, a Forbidden the 403 page (API has its own handlers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from .errors import Forbidden, NotFound

        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, Forbidden):
            back_url = getattr(exception, "url", "")
            if back_url:  # refused for now, with where to go instead (e.g. a blind review)
                from django.shortcuts import render

                context = {"reason": exception.message, "back_url": back_url,
                           "back_label": getattr(exception, "link_label", "")}  # fmt: skip
                return render(request, "403.html", context, status=exception.status)
            raise PermissionDenied(exception.message) from exception
        return None
