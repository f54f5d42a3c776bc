"""The claims-audit workflows as data: no database (DESIGN rule 10; issue 15 §3)."""

from __future__ import annotations

import pytest

from hiqc.claimaudit.workflow import AUDIT, ITEM, ROUND
from hiqc.core.workflow import NotAllowed

# (workflow, action, from states, to state, permission, required inputs)
TABLE = [
    (ROUND, "complete", ("open",), "completed", AUDIT, ()),
    (ITEM, "readjudicate", ("pending",), "compared", AUDIT, ("outcome",)),
    (ITEM, "record_errors", ("compared",), "done", AUDIT, ()),
]


@pytest.mark.parametrize(("wf", "action", "sources", "target", "perm", "requires"), TABLE)
def test_every_transition_goes_from_its_states_to_its_state_for_claims_auditors(
    wf, action, sources, target, perm, requires
):
    step = wf.step(action, from_state=sources[0])
    assert (step.sources, step.target, step.perm, step.requires) == (
        sources, target, perm, requires
    )  # fmt: skip
    for state in set(wf.states) - set(sources):
        with pytest.raises(NotAllowed):
            wf.step(action, from_state=state)


def test_the_table_is_the_whole_workflow():
    declared = {(wf.name, t.name) for wf in (ROUND, ITEM) for t in wf.transitions}
    assert declared == {(wf.name, action) for wf, action, *_ in TABLE}


def test_a_round_is_open_then_completed_and_a_completed_round_allows_nothing():
    assert (ROUND.initial, ROUND.final) == ("open", frozenset({"completed"}))
    assert ROUND.allowed_actions("completed") == []


def test_an_item_is_decided_blind_before_its_errors_are_recorded():
    assert ITEM.initial == "pending"
    assert ITEM.allowed_actions("pending") == ["readjudicate"]
    assert ITEM.allowed_actions("compared") == ["record_errors"]
    assert ITEM.allowed_actions("done") == [] and ITEM.final == frozenset({"done"})


def test_no_clock_runs_because_no_rule_sets_a_time_limit_for_an_internal_audit():
    assert ROUND.clocks == () and ITEM.clocks == ()
    assert ROUND.on_create == () and ITEM.on_create == ()
    assert all(not t.effects for wf in (ROUND, ITEM) for t in wf.transitions)


def test_state_labels_are_chinese():
    assert (ROUND.states["open"], ROUND.states["completed"]) == ("进行中", "已完成")
    assert [ITEM.states[s] for s in ("pending", "compared", "done")] == [
        "待复核", "待判定差错", "已完成"
    ]  # fmt: skip
