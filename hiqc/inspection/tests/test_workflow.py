"""The inspection workflows as data: every transition's from-states, target, permission, inputs
and clock effects (DESIGN rule 10: no database)."""

from __future__ import annotations

import pytest

from hiqc.core.calendar import Unit
from hiqc.core.workflow import NotAllowed
from hiqc.inspection.workflow import DISPUTE_CASE, SCORE, TASK, WINDOW

# (workflow, action, from-states, to-state, permission, required inputs, clock effects)
TABLE = [
    (TASK, "score", {"pending"}, "scored", "qa.inspect", ("lines",), []),
    (SCORE, "dispute", {"scored"}, "disputed", "qa.dispute", ("reason",),
     [("stop", WINDOW.code)]),
    (SCORE, "lapse", {"scored"}, "confirmed", "qa.close_window", (),
     [("cancel", WINDOW.code)]),
    (SCORE, "uphold", {"disputed"}, "upheld", "qa.inspect", ("note",), []),
    (SCORE, "amend", {"disputed"}, "amended", "qa.inspect", ("note", "lines"), []),
    (DISPUTE_CASE, "uphold", {"open"}, "upheld", "qa.inspect", ("note",), []),
    (DISPUTE_CASE, "amend", {"open"}, "amended", "qa.inspect", ("note", "lines"), []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("wf", "action", "sources", "target", "perm", "requires", "effects"),
    TABLE,
    ids=[f"{row[0].name}.{row[1]}" for row in TABLE],
)
def test_each_transition_is_declared_as_the_table_states(
    wf, action, sources, target, perm, requires, effects
):
    t = next(t for t in wf.transitions if t.name == action)
    assert (set(t.sources), t.target, t.perm, t.requires) == (sources, target, perm, requires)
    assert [(e.kind, e.clock) for e in t.effects] == effects


def test_the_table_names_every_transition_of_the_three_workflows():
    declared = {(wf.name, t.name) for wf in (TASK, SCORE, DISPUTE_CASE) for t in wf.transitions}
    assert declared == {(row[0].name, row[1]) for row in TABLE}


@pytest.mark.parametrize(
    ("wf", "initial", "final"),
    [
        (TASK, "pending", {"scored"}),
        (SCORE, "scored", {"confirmed", "upheld", "amended"}),
        (DISPUTE_CASE, "open", {"upheld", "amended"}),
    ],
)
def test_each_case_starts_and_ends_where_declared(wf, initial, final):
    assert wf.initial == initial and wf.final == final
    assert all(wf.allowed_actions(state) == [] for state in final)


def test_a_score_cannot_be_decided_before_it_is_disputed_nor_disputed_twice():
    with pytest.raises(NotAllowed):
        SCORE.step("uphold", from_state="scored")
    with pytest.raises(NotAllowed):
        SCORE.step("dispute", from_state="disputed")


def test_the_dispute_window_is_five_working_days_from_the_rule_with_its_source():
    assert (WINDOW.amount, WINDOW.unit, WINDOW.max_amount) == (5, Unit.WORKING_DAYS, None)
    assert "质检评分申诉期限（工作日）" in WINDOW.source and "（P）" in WINDOW.source
    assert WINDOW.window  # the agent's right: its end is no breach
    assert SCORE.clocks == (WINDOW,) and TASK.clocks == () and DISPUTE_CASE.clocks == ()


def test_closing_the_window_needs_a_permission_no_role_holds_and_scores_are_worked_by_assignees():
    from hiqc.core.access import role_codes, role_permissions
    from hiqc.inspection.services import SCORE_KIND

    held = set().union(*(role_permissions(r) for r in role_codes()))
    assert "qa.inspect" in held  # the registry is read
    assert "qa.close_window" not in held
    assert SCORE_KIND.work_in_scope is False  # "my work": only the scored agent it is assigned to
