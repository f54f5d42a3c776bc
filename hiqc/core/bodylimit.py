"""Request bodies too large for their door are refused before they are read (issue 14 §7).

Django reads a multipart body whole — every file to memory or a temporary file — the first time
anything touches ``request.POST`` or ``request.FILES`` (the CSRF check does, before any view), and
it has no overall limit on file uploads. A 50 MB body sent to a form that takes 10 MB files was
therefore received and stored in full before the view could refuse it.

``RequestBodyLimitMiddleware`` sits near the top of ``MIDDLEWARE`` and compares the declared
``Content-Length`` with the limit of the door the request goes to. Django never reads more than
``Content-Length`` bytes of a body (a body without one is read as empty), so this check is
complete. A larger body is answered at once with **413**, without reading a byte of it: on
``/api/`` the API's error body ``{"code": "too_large", "message", "fields"}``, elsewhere a page
that says how large the body was, what the limit is and where to go back to.

Limits:

* a door registers its own with ``body_limit_register(view name, limit, hint)`` — the limit is a
  callable, so it follows a setting the domain owns (the online-claim document doors register
  the per-file limit × files per request: ``hiqc.claims.apps``);
* any other multipart body: ``HIQC_MAX_MULTIPART_BYTES`` (100 MB) — the import pages; larger
  imports go through the streaming API or the management commands;
* other bodies are left to Django: ``request.body`` refuses more than
  ``DATA_UPLOAD_MAX_MEMORY_SIZE``, and the streaming imports (``text/csv``, JSON lines) read the
  body chunk by chunk, without a limit, by design.

A multipart body without a valid boundary is answered 400 here too (Django's parser would raise
wherever the form is first read, a 500).

A reverse proxy in front (nginx ``client_max_body_size``) should allow at least the largest of
these, or its own 413 page answers instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

API_PREFIX = "/api/"
MB = 1024 * 1024
DEFAULT_MAX_MULTIPART_BYTES = 100 * MB
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_BOUNDARY = re.compile(r"[ -~]{0,200}[!-~]")  # what Django's multipart parser accepts


@dataclass(frozen=True)
class BodyLimit:
    limit: Callable[[], int]  # bytes, read at each request (settings may change)
    field: str  # the field named in the API's error body
    hint: Callable[[], str]  # what the sender can do: "each file at most 10 MB …"


_LIMITS: dict[str, BodyLimit] = {}


def body_limit_register(
    view_name: str,
    limit: Callable[[], int],
    *,
    field: str = "file",
    hint: Callable[[], str] | None = None,
) -> None:
    """Give the door ``view_name`` (``namespace:name`` as ``reverse`` takes it; an API operation
    is ``api:<url_name>``) its own body limit. Called from an ``AppConfig.ready``."""
    _LIMITS[view_name] = BodyLimit(limit=limit, field=field, hint=hint or (lambda: ""))


def registered_limits() -> dict[str, BodyLimit]:
    return dict(_LIMITS)


def max_multipart_bytes() -> int:
    return int(getattr(settings, "HIQC_MAX_MULTIPART_BYTES", DEFAULT_MAX_MULTIPART_BYTES))


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def limit_for(request: HttpRequest) -> tuple[int, BodyLimit | None] | None:
    """(limit in bytes, the door's registration) for this request, or None when its body is
    left to Django."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    door = _LIMITS.get(match.view_name) if match is not None else None
    if door is not None:
        return door.limit(), door
    if (request.content_type or "") == "multipart/form-data":
        return max_multipart_bytes(), None
    return None


def size_label(size: int) -> str:
    """``10.1 MB``, ``420 KB``: one decimal at most, never "0 MB"."""
    if size >= MB:
        return f"{size / MB:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in _BODY_METHODS:
            if (request.content_type or "") == "multipart/form-data":
                boundary = (request.content_params or {}).get("boundary", "")
                if not _BOUNDARY.fullmatch(boundary):
                    return self.malformed(request)
            size = _declared_length(request)
            if size:
                found = limit_for(request)
                if found is not None and size > found[0]:
                    return self.refuse(request, size, *found)
        return self.get_response(request)

    def malformed(self, request: HttpRequest) -> HttpResponse:
        """A multipart body without a valid boundary cannot be parsed: 400, not the 500 that
        Django's parser raises wherever the form is first read."""
        problem = gettext("multipart/form-data 请求缺少有效的 boundary 参数，无法读取。")
        if request.path_info.startswith(API_PREFIX):
            body = {
                "code": "bad_request",
                "message": gettext("请求体格式有误。"),
                "fields": {"content_type": [problem]},
            }
            return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
        return render(
            request, "400.html", {"fields": ["Content-Type"], "problem": problem}, status=400
        )

    def refuse(
        self, request: HttpRequest, size: int, limit: int, door: BodyLimit | None
    ) -> HttpResponse:
        message = gettext("上传的内容过大：本次共 {size}，上限 {limit}。未接收任何内容。").format(
            size=size_label(size), limit=size_label(limit)
        )
        hint = door.hint() if door is not None else ""
        if request.path_info.startswith(API_PREFIX):
            field = door.field if door is not None else "body"
            body = {"code": "too_large", "message": message, "fields": {field: [hint or message]}}
            response: HttpResponse = JsonResponse(
                body, status=413, json_dumps_params={"ensure_ascii": False}
            )
        else:
            back = request.headers.get("Referer", "")
            if not url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                back = ""
            response = render(
                request,
                "413.html",
                {"message": message, "hint": hint, "back_url": back},
                status=413,
            )
        return response
