"""The event-log fixture of the process tests: improvement plans with a known history."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client

from hiqc.core.calendar import BEIJING
from hiqc.core.models import CaseEvent

PLAN = "quality.improvementplan"
T0 = datetime(2026, 11, 2, 9, tzinfo=BEIJING)  # a Monday
# case ids are the plans' ids: the drill-down links each to its page
P1, P2, P3, OLD = (f"00000000-0000-4000-8000-00000000000{i}" for i in range(1, 5))


def log(
    case_id: str, org_path: str, *moves: tuple[str, str, str, float], case_type: str = PLAN
) -> None:
    """moves: (activity, from, to, hours after T0)."""
    for activity, source, target, hours in moves:
        CaseEvent.objects.create(
            case_type=case_type, case_id=case_id, org_path=org_path, activity=activity,
            from_state=source, to_state=target, at=T0 + timedelta(hours=hours),
            actor_name="t", source=CaseEvent.Source.PAGE,
        )  # fmt: skip


@pytest.fixture
def plans(org):
    c1, p2 = org["C1"].path, org["P2"].path
    log(
        P1,
        c1,
        ("create", "", "plan", 0),
        ("start", "plan", "do", 24),
        ("check", "do", "check", 48),
    )
    log(P2, c1, ("create", "", "plan", 0), ("start", "plan", "do", 48))
    # an imported sequence the design does not allow: checked without ever starting
    log(P3, p2, ("create", "", "plan", 0), ("check", "do", "check", 5))
    log(OLD, c1, ("create", "", "plan", -24 * 400), ("start", "plan", "do", -24 * 399))


def client_for(user) -> Client:
    """A test client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client
