from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from hiqc.core.errors import ValidationFailed
from hiqc.organisations.models import ApiToken, User
from hiqc.organisations.services import api_token_create, api_token_revoke, user_deactivate


def _login(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_with_right_password_opens_a_session(personas, client):
    response = _login(client, "agent")
    assert response.status_code == 302
    assert client.get("/customers/").status_code == 200


def test_account_locks_after_five_failures_even_for_the_right_password(personas, client):
    for _ in range(5):
        assert _login(client, "agent", "wrong-password").status_code == 200
    assert User.objects.get(username="agent").is_locked
    assert _login(client, "agent").status_code == 200  # refused: still locked
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert _login(client, "agent").status_code == 302


def test_deactivating_a_user_ends_their_live_session_and_token_at_once(personas, actors, client):
    _login(client, "agent")
    assert client.get("/customers/").status_code == 200
    _token, raw = api_token_create(actor=actors["agent"], user_id=personas["agent"].pk, name="脚本")
    api = Client()
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200

    user_deactivate(actor=actors["admin"], user_id=personas["agent"].pk)

    assert client.get("/customers/").status_code == 302  # back to login
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_session_ends_after_thirty_idle_minutes(personas, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "agent")
        assert client.get("/customers/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get("/customers/").status_code == 200  # activity pushes the limit forward
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        assert client.get("/customers/").status_code == 302


def test_token_is_stored_hashed_expires_and_can_be_revoked(personas, actors):
    token, raw = api_token_create(
        actor=actors["agent"], user_id=personas["agent"].pk, name="报表", days=1
    )
    assert raw not in repr(ApiToken.objects.values_list())
    client = Client()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    api_token_revoke(actor=actors["agent"], token_id=token.pk)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_token_lifetime_beyond_the_configured_maximum_is_refused(personas, actors):
    with pytest.raises(ValidationFailed) as exc:
        api_token_create(actor=actors["agent"], user_id=personas["agent"].pk, name="x", days=400)
    assert "days" in exc.value.fields


def test_create_api_token_command_prints_a_working_token_once(personas):
    out = StringIO()
    call_command("create_api_token", "auditor", stdout=out, stderr=StringIO())
    raw = out.getvalue().strip()
    assert (
        Client().get("/api/v1/audit-events", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    )


def test_a_user_cannot_deactivate_themselves(personas, actors):
    with pytest.raises(ValidationFailed):
        user_deactivate(actor=actors["admin"], user_id=personas["admin"].pk)


def test_responses_carry_security_headers(client, db):
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_reading_pages_writes_the_session_back_at_most_once_a_minute(personas, client):
    from django.db import connection

    writes: list[str] = []

    def count_writes(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "django_session" in sql:
            writes.append(sql)
        return execute(sql, params, many, context)

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "agent")
        assert client.get("/customers/").status_code == 200  # the first request notes the time
    with connection.execute_wrapper(count_writes):
        for seconds in (10, 30, 59):
            with time_machine.travel(start + timedelta(seconds=seconds), tick=False):
                assert client.get("/customers/").status_code == 200
        assert writes == []
        with time_machine.travel(start + timedelta(seconds=61), tick=False):
            assert client.get("/customers/").status_code == 200
        assert len(writes) == 1
