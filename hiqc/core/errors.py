"""Errors every interface renders the same way: {"code", "message", "fields"}."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class HiqcError(Exception):
    """A failure the caller can act on. `fields` maps a field (or row/line) to its messages."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}

    def as_body(self) -> dict:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ValidationFailed(HiqcError):
    status = 422
    code = "invalid"


class NotFound(HiqcError):
    """Missing and "not yours" are the same answer (DESIGN rule 2)."""

    status = 404
    code = "not_found"

    def __init__(self, message: str | Promise | None = None) -> None:
        super().__init__(message or _("未找到，或不在您的权限范围内。"))


class Forbidden(HiqcError):
    status = 403
    code = "forbidden"


class Conflict(HiqcError):
    """409: the action is not allowed in the case's current state, or the client's version is
    stale. The body also names the current state, version and allowed actions."""

    status = 409
    code = "conflict"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        state: str = "",
        version: int | None = None,
        allowed_actions: Sequence[str] = (),
    ) -> None:
        super().__init__(message, code=code)
        self.state, self.version, self.allowed_actions = state, version, list(allowed_actions)

    def as_body(self) -> dict:
        return {
            **super().as_body(),
            "state": self.state,
            "version": self.version,
            "allowed_actions": self.allowed_actions,
        }
