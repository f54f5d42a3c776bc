"""The case engine proven on the probe case type (issue 3 §3, §5, §7, §11)."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_events, case_transition
from hiqc.core.deadlines import deadlines_sweep
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import BREACH_LEVEL, CaseEvent, Deadline, DeadlineWarning

from .probe import KIND, probe_create

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 10:00 Beijing: 15 calendar days → last day Tue 17 March, due 18 March 00:00
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)


@pytest.fixture
def case(actors, org):
    with time_machine.travel(T0, tick=False):
        return probe_create(actor=actors["agent"], org_unit=org["C1"], title="探针")


def deadline(case) -> Deadline:
    return Deadline.objects.get(case_type=KIND.label, case_id=str(case.pk))


def act(actors, case, action, *, who="agent", at=None, version=None, **data):
    return case_transition(
        kind=KIND,
        actor=actors[who],
        case_id=case.pk,
        action=action,
        data=data,
        version=version,
        at=at,
    )


def test_creating_a_case_starts_its_clock_with_rule_and_source(case):
    d = deadline(case)
    assert (d.clock, d.source, d.state) == ("probe.decide", "CP-1 (test)", "running")
    assert d.last_day == date(2026, 3, 17)
    assert d.due_at == datetime(2026, 3, 18, tzinfo=BEIJING)
    assert [e.activity for e in case_events(KIND, case)] == ["create"]


def test_each_transition_appends_exactly_one_event_and_bumps_the_version(actors, case):
    case = act(actors, case, "assign", at=T0 + timedelta(hours=1))
    assert (case.status, case.version) == ("open", 2)
    events = case_events(KIND, case)
    assert [(e.activity, e.from_state, e.to_state) for e in events] == [
        ("create", "", "new"),
        ("assign", "new", "open"),
    ]


def test_pause_deducts_the_paused_days_and_resume_recomputes(actors, case):
    act(actors, case, "assign", at=T0)
    act(actors, case, "appraise", at=datetime(2026, 3, 5, 9, 0, tzinfo=BEIJING))  # 12 days remain
    d = deadline(case)
    assert (d.state, d.remaining) == ("paused", 12)
    act(actors, case, "resume", at=datetime(2026, 3, 10, 15, 0, tzinfo=BEIJING))  # 5 days later
    d = deadline(case)
    assert d.state == "running"
    assert d.last_day == date(
        2026, 3, 23
    )  # 17 March + 5 paused days = Sunday 22nd, rolled to Monday
    assert len(d.pauses) == 1 and d.pauses[0]["to"]


def test_extension_needs_a_reason_and_counts_from_the_original_start(actors, case):
    act(actors, case, "assign", at=T0)
    with pytest.raises(ValidationFailed) as exc:
        act(actors, case, "extend", at=T0 + timedelta(days=3))
    assert "reason" in exc.value.fields
    act(actors, case, "extend", at=T0 + timedelta(days=3), reason="案情复杂")
    d = deadline(case)
    assert d.amount == 30
    assert d.last_day == date(2026, 4, 1)  # 2 March + 30 days
    assert d.extensions[0]["reason"] == "案情复杂"


def test_new_facts_restart_the_full_period_from_the_new_material(actors, case):
    act(actors, case, "assign", at=T0)
    act(actors, case, "new_facts", at=datetime(2026, 3, 9, 11, 0, tzinfo=BEIJING))
    d = deadline(case)
    assert d.restarts == 1
    assert d.last_day == date(2026, 3, 24)


def test_deciding_in_time_meets_the_deadline(actors, case):
    act(actors, case, "assign", at=T0)
    act(actors, case, "decide", at=T0 + timedelta(days=5), decision="支持")
    d = deadline(case)
    assert d.state == "met" and d.closed_at


def test_an_action_not_allowed_now_is_a_409_naming_state_and_allowed_actions(actors, case):
    with pytest.raises(Conflict) as exc:
        act(actors, case, "decide", decision="x")
    assert exc.value.state == "new"
    assert exc.value.allowed_actions == ["assign"]
    assert CaseEvent.objects.count() == 1


def test_a_stale_version_is_a_409_and_changes_nothing(actors, case):
    act(actors, case, "assign", at=T0, version=1)
    with pytest.raises(Conflict) as exc:
        act(actors, case, "appraise", at=T0, version=1)
    assert exc.value.code == "stale_version"
    assert exc.value.version == 2
    assert deadline(case).state == "running"


def test_out_of_scope_is_not_found_and_missing_permission_is_forbidden(actors, case):
    with pytest.raises(NotFound):
        act(actors, case, "assign", who="outsider_agent")
    with pytest.raises(Forbidden):
        act(actors, case, "assign", who="auditor")  # sees the case, may not act on it


def test_sweep_after_three_days_down_raises_every_warning_and_the_breach_once_in_order(case):
    # 15-day allowance from 2 Mar 10:00 to 18 Mar 00:00: 50% ≈ 10 Mar, 80% ≈ 15 Mar,
    # one working day before due = 17 Mar 00:00 (Tuesday)
    deadlines_sweep(datetime(2026, 3, 9, tzinfo=BEIJING))
    assert DeadlineWarning.objects.count() == 0
    deadlines_sweep(datetime(2026, 3, 21, tzinfo=BEIJING))  # scheduler was down 9–21 March
    deadlines_sweep(datetime(2026, 3, 21, tzinfo=BEIJING))  # and runs twice
    raised = list(
        DeadlineWarning.objects.order_by("scheduled_at", "level").values_list("level", flat=True)
    )
    assert raised == [1, 2, 3, BREACH_LEVEL]
    d = deadline(case)
    assert d.state == "breached"
    assert d.breached_at == datetime(2026, 3, 18, tzinfo=BEIJING)


def test_paused_clocks_raise_nothing(actors, case):
    act(actors, case, "assign", at=T0)
    act(actors, case, "appraise", at=T0 + timedelta(days=1))
    assert deadlines_sweep(datetime(2026, 6, 1, tzinfo=BEIJING)) == {"warnings": 0, "breaches": 0}


def test_deciding_after_the_breach_keeps_the_breach_on_record(actors, case):
    act(actors, case, "assign", at=T0)
    deadlines_sweep(datetime(2026, 3, 19, tzinfo=BEIJING))
    act(actors, case, "decide", at=datetime(2026, 3, 19, 9, tzinfo=BEIJING), decision="支持")
    d = deadline(case)
    assert d.state == "breached" and d.closed_at


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_one_wins_the_other_gets_409(actors, org):
    case = probe_create(actor=actors["agent"], org_unit=org["C1"], title="并发")
    act(actors, case, "assign", at=T0)
    results: list[str] = []
    barrier = threading.Barrier(2)

    def attempt(action: str, data: dict) -> None:
        barrier.wait()
        try:
            act(actors, case, action, version=2, **data)
            results.append("ok")
        except Conflict:
            results.append("409")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=("decide", {"decision": "支持"})),
        threading.Thread(target=attempt, args=("appraise", {})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["409", "ok"]
    assert CaseEvent.objects.filter(case_id=str(case.pk)).count() == 3  # create, assign, one winner


def test_a_clock_that_has_run_out_cannot_be_paused_or_restarted_away(actors, case):
    """Before the sweep marks it, a deadline past due is still a breach: no pause, no restart."""
    act(actors, case, "assign", at=T0 + timedelta(hours=1))
    late = datetime(2026, 3, 18, 9, tzinfo=BEIJING)  # due 18 March 00:00
    for action in ("appraise", "new_facts"):
        with pytest.raises(Conflict) as exc:
            act(actors, case, action, at=late)
        assert exc.value.code == "clock_rule"
    assert deadline(case).state == "running"  # the sweep will record the breach


def test_a_restart_goes_back_to_the_base_allowance(actors, case):
    act(actors, case, "assign", at=T0 + timedelta(hours=1))
    act(actors, case, "extend", at=T0 + timedelta(days=5), reason="复杂")
    act(actors, case, "new_facts", at=T0 + timedelta(days=10))
    d = deadline(case)
    assert (d.amount, d.last_day, d.restarts) == (15, date(2026, 3, 27), 1)
    assert [e["to"] for e in d.extensions] == [30]  # the old extension stays in the history
