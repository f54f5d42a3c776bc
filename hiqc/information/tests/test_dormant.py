"""Dormant accounts (6.2.3(4); issue 21 §4): no sign-in for information.dormant_days (90 by
default) — last login, a session, an API token's use, or since creation — and the daily job
disables them with an audit record; a warning list 14 days ahead; never a service account."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.models import AuditEvent, RuleOverride
from hiqc.information.selectors import dormant_accounts
from hiqc.information.services import dormant_disable
from hiqc.organisations.models import User, UserSession

from .conftest import client_for

pytestmark = pytest.mark.django_db


def _user(username: str, org, *, last_login_days: int | None, joined_days: int = 400,
          service: bool = False) -> User:  # fmt: skip
    now = timezone.now()
    user = User.objects.create_user(username=username, password=None if service else "x" * 20,
                                    org_unit=org["C1"], display_name=username)  # fmt: skip
    User.objects.filter(pk=user.pk).update(
        date_joined=now - timedelta(days=joined_days),
        last_login=None if last_login_days is None else now - timedelta(days=last_login_days))  # fmt: skip
    return user


@pytest.mark.parametrize(
    "moment", ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 09:00", "2027-03-31 18:00"]
)
def test_the_rule_lists_warns_and_the_job_disables(personas, org, moment):
    with time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=BEIJING), tick=False):
        User.objects.update(date_joined=timezone.now())  # the personas are new
        old = _user("old", org, last_login_days=91)
        never = _user("never", org, last_login_days=None, joined_days=120)
        soon = _user("soon", org, last_login_days=80)
        _user("fresh", org, last_login_days=10)
        _user("robot", org, last_login_days=None, joined_days=500, service=True)
        session_kept = _user("session", org, last_login_days=200)
        UserSession.objects.create(session_key="k" * 40, user=session_kept)  # signed in just now
        system = Actor.system("t")
        assert [r["user"].username for r in dormant_accounts(system)] == ["never", "old"]
        warned = dormant_accounts(system, warning=True)
        assert [r["user"].username for r in warned] == ["soon"]
        assert warned[0]["disable_on"] == (timezone.now() + timedelta(days=10)).astimezone(
            BEIJING).date()  # fmt: skip
        assert dormant_disable() == {"disabled": 2, "warned": 1}
        old.refresh_from_db()
        never.refresh_from_db()
        soon.refresh_from_db()
        assert not old.is_active and not never.is_active and soon.is_active
        assert User.objects.get(username="robot").is_active
        events = AuditEvent.objects.filter(action="information.dormant.disable")
        assert sorted(e.data["idle_days"] for e in events) == [91, 120]
        assert AuditEvent.objects.filter(action="user.deactivate").count() == 2
        assert dormant_disable() == {"disabled": 0, "warned": 1}  # idempotent


def test_the_rule_can_be_tightened(personas, org):
    _user("sixty", org, last_login_days=61)
    User.objects.exclude(username="sixty").update(date_joined=timezone.now())
    assert dormant_accounts(Actor.system("t")) == []
    RuleOverride.objects.create(key="information.dormant_days", value="60", reason="收紧")
    assert [r["user"].username for r in dormant_accounts(Actor.system("t"))] == ["sixty"]


def test_the_api_lists_the_units_dormant_accounts_in_scope(personas, org, manager_p2):
    _user("old", org, last_login_days=120)
    User.objects.exclude(username="old").update(date_joined=timezone.now())
    body = client_for(personas["branch_manager"]).get("/api/v1/dormant-accounts").json()
    assert [r["username"] for r in body["items"]] == ["old"] and body["items"][0][
        "idle_days"
    ] == 120
    assert client_for(manager_p2).get("/api/v1/dormant-accounts").json()["items"] == []
    assert client_for(personas["agent"]).get("/api/v1/dormant-accounts").status_code == 403
    page = client_for(personas["branch_manager"]).get("/information/dormant-accounts/")
    assert page.status_code == 200 and "old" in page.content.decode()
