"""The one NinjaAPI: /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Errors always have the body {"code", "message", "fields"}.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from hiqc.callcentre.api import router as callcentre_router
from hiqc.claimaudit.api import router as claimaudit_router
from hiqc.claims.api import router as claims_router
from hiqc.claims.events_api import router as claim_events_router
from hiqc.claims.online_api import router as claims_online_router
from hiqc.complaints.api import router as complaints_router
from hiqc.consultations.api import router as consultations_router
from hiqc.core.api import router as core_router
from hiqc.core.errors import HiqcError
from hiqc.core.http import HiqcRequest
from hiqc.customers.api import router as customers_router
from hiqc.inspection.api import router as inspection_router
from hiqc.organisations.api import router as organisations_router
from hiqc.organisations.services import actor_for_user, api_token_authenticate
from hiqc.policies.api import router as policies_router
from hiqc.quality.api import router as quality_router
from hiqc.surveys.api import router as surveys_router


class TokenAuth(HttpBearer):
    """Personal API tokens (`Authorization: Bearer hiqc_…`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None:
            return None
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
    description="健康保险服务质量控制平台 — JSON API. Errors: {code, message, fields}.",
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


@api.exception_handler(ValidationError)
def on_validation_error(request: HiqcRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path")]
        fields.setdefault(".".join(loc) or "__all__", []).append(str(err.get("msg", "invalid")))
    return _error(request, 422, "invalid", "请求数据有误。", fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HiqcRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "请先登录，或提供有效的 API 令牌。")


@api.exception_handler(HttpError)
def on_http_error(request: HiqcRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Http404)
def on_404(request: HiqcRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "未找到，或不在您的权限范围内。")


api.add_router("/", core_router)
api.add_router("/", organisations_router)
api.add_router("/", customers_router)
api.add_router("/", callcentre_router)
api.add_router("/", consultations_router)
api.add_router("/", complaints_router)
api.add_router("/", policies_router)
api.add_router("/", claims_router)
api.add_router("/", claim_events_router)
api.add_router("/", claims_online_router)
api.add_router("/", claimaudit_router)
api.add_router("/", inspection_router)
api.add_router("/", surveys_router)
api.add_router("/", quality_router)
