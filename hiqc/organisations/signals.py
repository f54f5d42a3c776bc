from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import User
from .services import login_failed, login_succeeded, session_register


def on_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    request.session.set_expiry(
        0
    )  # ends with the browser; idle timeout: SessionIdleTimeoutMiddleware
    request.session.save()
    session_register(user=user, session_key=request.session.session_key or "")
    login_succeeded(
        user=user,
        ip=getattr(request, "client_ip", ""),
        request_id=getattr(request, "request_id", ""),
    )


def on_login_failed(
    sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    login_failed(
        username=str(credentials.get("username", ""))[:150],
        ip=getattr(request, "client_ip", "") if request else "",
        request_id=getattr(request, "request_id", "") if request else "",
    )
