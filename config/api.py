"""The one NinjaAPI: /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Errors always have the body {"code", "message", "fields"}.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from hiqc.core.errors import HiqcError
from hiqc.core.http import HiqcRequest
from hiqc.core.manifest import api_routers
from hiqc.organisations.services import actor_for_user, api_token_authenticate


class TokenAuth(HttpBearer):
    """Personal API tokens (`Authorization: Bearer hiqc_…`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None:  # a bearer was sent and is not valid: 401, not the session's CSRF 403
            raise AuthenticationError()
        request.user = user
        cast(HiqcRequest, request).actor = actor_for_user(
            user,
            request_id=getattr(request, "request_id", ""),
            ip=getattr(request, "client_ip", ""),
        )
        return user


api = NinjaAPI(
    title="HIQC API",
    version="1",
    description=(
        "健康保险服务质量控制平台 — JSON API. Errors: {code, message, fields}. Text never holds "
        "the NUL character (\\u0000): a parameter or field with one answers 422 naming it. A "
        "request line (method, path and query) over 4,094 bytes is refused by the web server "
        "with 414, in plain text."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
)


def _error(
    request: HiqcRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


@api.exception_handler(HiqcError)
def on_hiqc_error(request: HiqcRequest, exc: HiqcError) -> HttpResponse:
    return api.create_response(request, exc.as_body(), status=exc.status)


# pydantic's error types in the reader's language (issue 14 §8): its own messages are English.
# A type not listed here reads "取值无效。"; a validator's ValueError speaks for itself.
_PYDANTIC_MESSAGES = {
    "missing": _("必填。"),
    "string_type": _("应为文本。"),
    "string_too_short": _("至少 {min_length} 个字符。"),
    "string_too_long": _("不能超过 {max_length} 个字符。"),
    "string_pattern_mismatch": _("格式不正确。"),
    "int_type": _("应为整数。"),
    "int_parsing": _("应为整数。"),
    "int_from_float": _("应为整数。"),
    "float_type": _("应为数字。"),
    "float_parsing": _("应为数字。"),
    "decimal_parsing": _("应为数字。"),
    "decimal_type": _("应为数字。"),
    "bool_type": _("应为 true 或 false。"),
    "bool_parsing": _("应为 true 或 false。"),
    "date_type": _("应为日期，格式如 2026-11-26。"),
    "date_parsing": _("应为日期，格式如 2026-11-26。"),
    "date_from_datetime_parsing": _("应为日期，格式如 2026-11-26。"),
    "datetime_type": _("应为日期时间，格式如 2026-10-08T09:00:00+08:00。"),
    "datetime_parsing": _("应为日期时间，格式如 2026-10-08T09:00:00+08:00。"),
    "datetime_from_date_parsing": _("应为日期时间，格式如 2026-10-08T09:00:00+08:00。"),
    "uuid_type": _("应为 UUID 格式的编号。"),
    "uuid_parsing": _("应为 UUID 格式的编号。"),
    "greater_than": _("应大于 {gt}。"),
    "greater_than_equal": _("应不小于 {ge}。"),
    "less_than": _("应小于 {lt}。"),
    "less_than_equal": _("应不大于 {le}。"),
    "enum": _("应为以下之一：{expected}。"),
    "literal_error": _("应为以下之一：{expected}。"),
    "list_type": _("应为列表。"),
    "too_short": _("至少 {min_length} 项。"),
    "too_long": _("最多 {max_length} 项。"),
    "dict_type": _("应为对象。"),
    "model_type": _("应为对象。"),
    "model_attributes_type": _("应为对象。"),
    "json_invalid": _("不是有效的 JSON。"),
    "extra_forbidden": _("不允许此字段。"),
}


def _message(err: dict[str, Any]) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])  # our validators' own (translated) words
    template = _PYDANTIC_MESSAGES.get(kind)
    if template is None:
        return str(_("取值无效。"))
    try:
        return str(template).format(**{k: v for k, v in ctx.items() if isinstance(k, str)})
    except (KeyError, IndexError):
        return str(_("取值无效。"))


@api.exception_handler(ValidationError)
def on_validation_error(request: HiqcRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path")]
        fields.setdefault(".".join(loc) or "__all__", []).append(_message(err))
    return _error(request, 422, "invalid", str(_("请求数据有误。")), fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HiqcRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "请先登录，或提供有效的 API 令牌。")


@api.exception_handler(HttpError)
def on_http_error(request: HiqcRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Http404)
def on_404(request: HiqcRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "未找到，或不在您的权限范围内。")


# Every installed app's routers, from its manifest (hiqc.core.manifest), in INSTALLED_APPS order:
# the order paths are matched in, so it must stay deterministic.
for router_path in api_routers():
    api.add_router("/", import_string(router_path))
