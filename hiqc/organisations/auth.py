"""Password sign-in with lockout (standard 6.2.3; rule auth.lockout_*)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User
from .selectors import user_by_username


class LockoutModelBackend(ModelBackend):
    """Refuses a locked account even with the right password; inactive users never authenticate,
    and a session whose user was deactivated no longer resolves to a user. An attempt during a
    lock is recorded but neither counts nor extends the lock (``services.login_failed``)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            return None
        user = user_by_username(username)
        if user is not None and user.is_locked:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
