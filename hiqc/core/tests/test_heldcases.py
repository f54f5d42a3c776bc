"""Held cases (ADR 0015, issue 15 §3): the same steps on the batch store, written in bulk, leave
the same case, clocks, events and audit records as on the database store (the probe case kind)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine

from hiqc.core.audit import verify_chain
from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_transition
from hiqc.core.errors import Conflict, Forbidden
from hiqc.core.heldcases import HeldCases, HeldCaseWriter
from hiqc.core.models import AuditEvent, CaseEvent, Deadline
from tests.engine.models import ProbeCase
from tests.engine.probe import KIND, probe_create

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)
# (when, who, action, inputs): two people take the steps; the clock is paused, extended, stopped
STEPS = [
    (T0 + timedelta(hours=1), "agent", "assign", {}),
    (T0 + timedelta(days=2), "agent", "extend", {"reason": "需调取病历"}),
    (T0 + timedelta(days=3), "branch_manager", "appraise", {}),
    (T0 + timedelta(days=6), "branch_manager", "resume", {}),
    (T0 + timedelta(days=20), "agent", "decide", {"decision": "维持"}),
]


def on_database(actors: dict, org: dict) -> Any:
    case = probe_create(actor=actors["agent"], org_unit=org["C1"], title="探针", at=T0)
    for at, who, action, data in STEPS:
        case_transition(kind=KIND, actor=actors[who], case_id=case.pk, action=action, data=data,
                        at=at)  # fmt: skip
    return case.pk


def held_in_batch(actors: dict, org: dict) -> Any:
    store = HeldCases(KIND, actors["agent"])
    case = store.new(org["C1"].path, {"org_unit": org["C1"], "title": "探针"})
    store.create(case, actors["agent"], T0, source=CaseEvent.Source.PAGE)
    for at, who, action, data in STEPS:
        store.execute(case, actors[who], action, at, data, source=CaseEvent.Source.API)
    HeldCaseWriter(KIND).write([case])
    return case.id


STORES = {"database": on_database, "batch": held_in_batch}


def written(case_id: Any) -> dict[str, Any]:
    """What the store left of the case, without row ids and write times."""
    case = ProbeCase.objects.get(pk=case_id)
    clocks = [
        {k: v for k, v in row.items() if k not in ("id", "case_id")}
        for row in Deadline.objects.filter(case_id=str(case_id)).values()
    ]
    events = list(
        CaseEvent.objects.filter(case_id=str(case_id))
        .order_by("at", "id")
        .values_list(
            "activity",
            "from_state",
            "to_state",
            "at",
            "actor_id",
            "actor_name",
            "source",
            "data",
            "org_path",
        )
    )
    audit = list(
        AuditEvent.objects.filter(subject_id=str(case_id))
        .order_by("seq")
        .values_list("action", "actor_name", "subject_type", "org_path", "fields", "data")
    )
    return {"case": (case.status, case.version, case.org_unit_id, case.title),
            "clocks": clocks, "events": events, "audit": audit}  # fmt: skip


@pytest.mark.parametrize("run", STORES.values(), ids=STORES.keys())
def test_each_store_records_every_step_with_its_own_actor_clock_and_audit(
    run: Callable[..., Any], actors: dict, org: dict
) -> None:
    # Given two people's steps on a probe case; When they run on the store
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        left = written(run(actors, org))
    # Then the case, its events (each by its own actor), its stopped clock and one audit per step
    assert left["case"][:2] == ("done", 6)
    assert [(e[0], e[5]) for e in left["events"]] == [
        ("create", "agent"), ("assign", "agent"), ("extend", "agent"),
        ("appraise", "branch_manager"), ("resume", "branch_manager"), ("decide", "agent"),
    ]  # fmt: skip
    assert [e[6] for e in left["events"]] == ["page"] + ["api"] * 5
    (clock,) = left["clocks"]
    assert (clock["clock"], clock["amount"], clock["state"]) == ("probe.decide", 30, "met")
    assert len(clock["pauses"]) == 1 and len(clock["extensions"]) == 1
    assert [a[0] for a in left["audit"]] == [f"engine.probecase.{s[2]}" for s in STEPS]
    assert verify_chain().ok


def test_the_batch_store_writes_exactly_what_the_database_store_writes(
    actors: dict, org: dict
) -> None:
    # Given the same steps, When run once on each store
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        on_db, in_batch = written(on_database(actors, org)), written(held_in_batch(actors, org))
    # Then nothing differs: case row, clocks, events, audit records
    assert in_batch == on_db


def test_a_held_step_is_refused_as_on_the_database(actors: dict, org: dict) -> None:
    # Given a held case just opened
    store = HeldCases(KIND, actors["agent"])
    case = store.new(org["C1"].path, {"org_unit": org["C1"], "title": "探针"})
    store.create(case, actors["agent"], T0)
    # When an action of another state, or a person without the permission, tries a step
    with pytest.raises(Conflict) as refused:
        store.execute(case, actors["agent"], "decide", T0, {"decision": "维持"})
    with pytest.raises(Forbidden):
        store.execute(case, actors["nobody"], "assign", T0)
    # Then the refusal names the state and what the actor may do; nothing was held
    assert (refused.value.code, refused.value.state) == ("action_not_allowed", "new")
    assert refused.value.allowed_actions == ["assign"]
    assert [e.activity for e in case.events] == ["create"]
