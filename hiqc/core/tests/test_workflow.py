"""The workflow declaration contract, proven on a small internal workflow (not a domain)."""

from __future__ import annotations

from typing import Any

import pytest

from hiqc.core.calendar import Unit
from hiqc.core.workflow import (
    Clock,
    Effect,
    Extend,
    NotAllowed,
    Pause,
    Resume,
    Start,
    Stop,
    T,
    Workflow,
    WorkflowError,
)

DECIDE = Clock("probe.decide", "决定", 15, Unit.CALENDAR_DAYS, "CP-1", max_amount=60)
STATES = {"new": "已登记", "open": "处理中", "waiting": "等待鉴定", "done": "已决定"}


def probe(**over: Any) -> Workflow:
    spec: dict[str, Any] = dict(
        name="probe",
        states=STATES,
        initial="new",
        final=["done"],
        clocks=[DECIDE],
        on_create=[Start(DECIDE)],
        transitions=[
            T("assign", "new", "open", perm="probe.handle"),
            T(
                "extend",
                "open",
                "open",
                perm="probe.handle",
                requires=["reason"],
                effects=[Extend(DECIDE, to_amount=30)],
            ),
            T("appraise", "open", "waiting", perm="probe.handle", effects=[Pause(DECIDE)]),
            T("resume", "waiting", "open", perm="probe.handle", effects=[Resume(DECIDE)]),
            T(
                "decide",
                "open",
                "done",
                perm="probe.handle",
                requires=["decision"],
                effects=[Stop(DECIDE)],
            ),
        ],
    )
    spec.update(over)
    return Workflow.build(**spec)


def test_step_returns_the_transition_allowed_from_the_current_state():
    wf = probe()
    assert wf.step("decide", from_state="open").target == "done"
    assert wf.allowed_actions("open") == ["extend", "appraise", "decide"]


def test_an_action_not_allowed_now_names_the_state_and_the_allowed_actions():
    with pytest.raises(NotAllowed) as exc:
        probe().step("decide", from_state="new")
    assert exc.value.state == "new"
    assert exc.value.allowed == ["assign"]
    with pytest.raises(NotAllowed):
        probe().step("no-such-action", from_state="open")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"initial": "nowhere"}, "initial state"),
        (
            {
                "transitions": [
                    T("assign", "new", "open", perm="p"),
                    T("assign", "open", "done", perm="p"),
                ]
            },
            "duplicate transition",
        ),
        ({"transitions": [T("assign", "new", "limbo", perm="p")]}, "unknown state 'limbo'"),
        ({"transitions": [T("assign", "new", "open", perm="p")]}, "unreachable"),
        (
            {"transitions": [T("a", "new", "done", perm="p"), T("b", "done", "open", perm="p")]},
            "leaves final state",
        ),
        ({"on_create": [Start(Clock("other", "x", 1, Unit.HOURS, "P"))]}, "undeclared clock"),
        (
            {
                "transitions": [
                    T("assign", "new", "open", perm="p"),
                    T("w", "open", "waiting", perm="p"),
                    T("d", "waiting", "done", perm="p", effects=[Extend(DECIDE, to_amount=90)]),
                ]
            },
            "beyond its legal maximum",
        ),
    ],
)
def test_inconsistent_declarations_fail_loudly_at_build_time(change, message):
    with pytest.raises(WorkflowError, match=message):
        probe(**change)


def test_flowchart_shows_states_steps_owners_targets_and_clock_effects():
    chart = probe().flowchart({"decide": {"owner": "投诉处理专员", "target": "10 个工作日"}})
    assert chart.startswith("flowchart LR\n")
    assert 's0(["已登记"])' in chart
    assert "投诉处理专员" in chart and "10 个工作日" in chart
    assert "暂停计时：决定" in chart and "停止计时：决定" in chart
    assert "stop" not in chart and "pause" not in chart  # effects by their names, not codes


def test_a_start_at_a_case_field_begins_the_clock_at_that_fields_time_not_the_steps():
    from datetime import date, datetime
    from types import SimpleNamespace

    from hiqc.core.calendar import BEIJING
    from hiqc.core.clockmath import CLOCKS

    step_at = datetime(2026, 3, 5, 9, 0, tzinfo=BEIJING)
    received = datetime(2026, 3, 2, 16, 30, tzinfo=BEIJING)

    def started(effect: Any, fields: dict[str, Any]) -> Any:
        out = CLOCKS.effects({}, [effect], step_at, declared={DECIDE.code: DECIDE},
                             begin=lambda clock, when: SimpleNamespace(started_at=when),
                             copy=lambda c: c, field=fields.get)  # fmt: skip
        return out[DECIDE.code].started_at

    # a datetime field: its time; a date field: that day's 00:00 Beijing; empty: the step's time
    assert started(Start(DECIDE, at_field="received_at"), {"received_at": received}) == received
    assert started(Start(DECIDE, at_field="day"), {"day": date(2026, 3, 1)}) == datetime(
        2026, 3, 1, tzinfo=BEIJING
    )
    assert started(Start(DECIDE, at_field="received_at"), {}) == step_at
    assert started(Start(DECIDE), {"received_at": received}) == step_at


def test_only_a_start_may_name_a_field_to_begin_at():
    bad = T("appraise", "open", "waiting", perm="p",
            effects=[Effect("pause", DECIDE.code, at_field="received_at")])  # fmt: skip
    with pytest.raises(WorkflowError, match="only a start takes at_field"):
        probe(transitions=[T("assign", "new", "open", perm="p"), bad,
                           T("d", "waiting", "done", perm="p")])  # fmt: skip


@pytest.mark.django_db
def test_a_start_due_from_a_case_field_falls_due_at_the_end_of_that_day_not_after_its_period():
    """Given a calendar-day clock started with ``due_from`` (a maintenance task due on its
    planned day), when its field holds a date, then it is due at 00:00 Beijing the next day, its
    last day is that date and its allowance the days from the start's day; an empty field leaves
    the clock's own period."""
    from datetime import date, datetime

    from hiqc.core.calendar import BEIJING, Unit
    from hiqc.core.clockmath import CLOCKS
    from hiqc.core.models import Deadline

    pm = Clock("pm", "保养", 1, Unit.CALENDAR_DAYS, "内部目标")
    start_at = datetime(2026, 1, 30, 0, 0, tzinfo=BEIJING)  # a Friday before a month end

    def started(fields: dict[str, Any]) -> Any:
        out = CLOCKS.effects(
            {}, [Start(pm, at_field="warn_on", due_from="due_on")], start_at,
            declared={"pm": pm}, copy=lambda c: c, field=fields.get,
            begin=lambda clock, when: _begun(clock, when),
        )  # fmt: skip
        return out["pm"]

    def _begun(clock: Clock, when: datetime) -> Deadline:
        d = Deadline(case_type="t", case_id="1", org_path="/")
        CLOCKS.begin(d, clock, when, [0.5])
        return d

    d = started({"warn_on": date(2026, 1, 25), "due_on": date(2026, 2, 1)})  # a Sunday
    assert d.started_at == datetime(2026, 1, 25, tzinfo=BEIJING)
    assert d.due_at == datetime(2026, 2, 2, tzinfo=BEIJING)  # no roll-over: the plan's day
    assert d.last_day == date(2026, 2, 1) and d.amount == 7
    assert d.next_warning_at is not None and d.next_warning_at < d.due_at
    own = started({})
    assert own.started_at == start_at and own.amount == 1  # the clock's own day


def test_only_a_start_on_a_calendar_day_clock_may_take_its_due_date_from_a_field():
    bad = T("appraise", "open", "waiting", perm="p",
            effects=[Effect("stop", DECIDE.code, due_from="due_on")])  # fmt: skip
    with pytest.raises(WorkflowError, match="only a start takes due_from"):
        probe(transitions=[T("assign", "new", "open", perm="p"), bad,
                           T("d", "waiting", "done", perm="p")])  # fmt: skip
