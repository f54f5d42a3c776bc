"""Password lockout that a third party cannot extend (issue 14 §5): attempts during a lock neither
count nor extend it, a lock that has ended starts the count from zero, and API tokens keep working
during a lock (docs/domains/organisations.md, "Lockout")."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from conftest import PASSWORD
from hiqc.core.models import AuditEvent
from hiqc.organisations.models import User
from hiqc.organisations.services import api_token_create, user_deactivate

WRONG = "wrong-password"


def _login(client: Client, username: str, password: str = PASSWORD) -> int:
    return client.post("/accounts/login/", {"username": username, "password": password}).status_code


def _lock(client: Client, username: str = "agent") -> User:
    for _ in range(5):
        assert _login(client, username, WRONG) == 200
    user = User.objects.get(username=username)
    assert user.is_locked
    return user


def test_attempts_during_a_lock_neither_count_nor_extend_it(personas, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        locked_until = _lock(client).locked_until
    assert locked_until == start + timedelta(minutes=15)
    # someone who knows the username keeps trying, with wrong and with right passwords
    for minute in range(1, 15):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            assert _login(client, "agent", WRONG) == 200
            assert _login(client, "agent") == 200  # refused: still locked
    user = User.objects.get(username="agent")
    assert user.locked_until == locked_until
    assert user.failed_logins == 5
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert _login(client, "agent") == 302  # the lock ended when it was due to


def test_attempts_during_a_lock_are_audited_as_such(personas, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _lock(client)
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        _login(client, "agent")
    last = AuditEvent.objects.filter(action="auth.login_failed").order_by("-seq").first()
    assert last is not None
    assert last.data["during_lock"] is True
    assert last.data["locked_until"] == (start + timedelta(minutes=15)).isoformat()


def test_the_count_starts_from_zero_when_a_lock_ends(personas, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _lock(client)
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert _login(client, "agent", WRONG) == 200  # one typo after the lock
        user = User.objects.get(username="agent")
        assert not user.is_locked
        assert user.failed_logins == 1
        assert user.locked_until is None
        for _ in range(3):
            assert _login(client, "agent", WRONG) == 200
        assert not User.objects.get(username="agent").is_locked  # four in a row: not yet
        assert _login(client, "agent", WRONG) == 200
        assert User.objects.get(username="agent").is_locked  # the fifth in a row locks again


def test_a_sign_in_after_a_lock_clears_the_count(personas, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _lock(client)
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert _login(client, "agent") == 302
    user = User.objects.get(username="agent")
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_api_tokens_keep_working_while_the_password_is_locked(personas, actors, client):
    _token, raw = api_token_create(actor=actors["agent"], user_id=personas["agent"].pk, name="脚本")
    _lock(client)
    api = Client()
    response = api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == "agent"
    assert _login(Client(), "agent") == 200  # while the password sign-in stays refused
    # deactivation, not the lockout, is what stops a compromised account's tokens
    user_deactivate(actor=actors["admin"], user_id=personas["agent"].pk)
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_deactivation_ends_sessions_cached_as_production_caches_them(personas, actors, client):
    cache.clear()
    assert _login(client, "agent") == 302
    assert client.get("/customers/").status_code == 200
    key = client.cookies["sessionid"].value
    assert cache.get(KEY_PREFIX + key) is not None
    user_deactivate(actor=actors["admin"], user_id=personas["agent"].pk)
    assert cache.get(KEY_PREFIX + key) is None
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/customers/").status_code == 302
    cache.clear()
