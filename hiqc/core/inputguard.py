"""NUL at the door (issue 14 §1): text with a NUL character is refused before any view runs.

PostgreSQL cannot store NUL in text (a query with one answered 500) and no text of HIQC has a
use for it. The other control characters are text PostgreSQL keeps and every page escapes, so
they are kept as sent (a pasted form feed is not worth refusing a whole import row). One
middleware covers every door instead of a check per field: query strings and urlencoded forms of
every page and operation, JSON and NDJSON bodies (JSON can only carry it escaped as ``\\u0000``, so a body without that escape is not parsed
twice), and the path itself. The answer names the field: 422 ``{code, message, fields}`` on the
API, a 400 page elsewhere; a path with one answers exactly as a missing page does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

NUL = re.compile(r"\x00")
_ESCAPED_NUL = re.compile(rb"\\u0000")
_JSON_TYPES = ("application/json", "application/x-ndjson")
API_PREFIX = "/api/"


def _bad_strings(value: Any, path: str) -> Iterator[str]:
    """The paths (``items.2.name``) of the strings in decoded JSON with a NUL (keys included: a
    key is named by its parent's path)."""
    if isinstance(value, str):
        if NUL.search(value):
            yield path or "__all__"
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if NUL.search(str(key)):
                yield path or "__all__"
            yield from _bad_strings(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bad_strings(item, f"{path}.{index}" if path else str(index))


def _bad_fields_in_body(request: HttpRequest) -> list[str]:
    content_type = request.content_type or ""
    if content_type not in _JSON_TYPES or not _ESCAPED_NUL.search(request.body):
        return []
    if content_type == "application/json":
        try:
            return list(_bad_strings(json.loads(request.body), ""))
        except ValueError:
            return []  # not JSON: the operation's own parser says so
    found: list[str] = []
    for number, line in enumerate(request.body.splitlines(), start=1):
        if _ESCAPED_NUL.search(line):
            try:
                found += [f"line {number}: {p}" for p in _bad_strings(json.loads(line), "")]
            except ValueError:
                continue  # a bad line is reported by the import with its number
    return found


def _bad_fields(request: HttpRequest) -> list[str]:
    # a urlencoded form only: parsing a multipart body here would leave nothing for a view that
    # reads the raw body (an upload), and Django's form fields already refuse NUL in its parts
    form = request.method == "POST" and request.content_type == "application/x-www-form-urlencoded"
    queries = [request.GET] + ([request.POST] if form else [])
    fields = [
        key
        for query in queries
        for key, values in query.lists()
        if NUL.search(key) or any(NUL.search(v) for v in values)
    ]
    return fields + _bad_fields_in_body(request)


def _api_error(status: int, body: dict[str, Any]) -> HttpResponse:
    """As the API's renderer writes its errors (django-ninja's JSON renderer, same bytes)."""
    return HttpResponse(
        json.dumps(body), status=status, content_type="application/json; charset=utf-8"
    )


class NulGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path_info.startswith(API_PREFIX)
        if NUL.search(request.path_info):
            if api:  # the API's own "not found" answer (config.api.on_404)
                message = gettext("未找到，或不在您的权限范围内。")
                return _api_error(404, {"code": "not_found", "message": message, "fields": {}})
            raise Http404
        fields = _bad_fields(request)
        if not fields:
            return self.get_response(request)
        problem = gettext("不能包含 NUL 空字符。")
        if api:
            body = {
                "code": "invalid",
                "message": gettext("请求数据有误。"),
                "fields": {NUL.sub("?", f): [problem] for f in fields},
            }
            return _api_error(422, body)
        return render(
            request,
            "400.html",
            {"fields": sorted({NUL.sub("?", f) for f in fields}), "problem": problem},
            status=400,
        )
