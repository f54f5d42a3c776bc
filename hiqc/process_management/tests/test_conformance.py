"""Conformance: traces replayed against a designed workflow whose fitness is known."""

from datetime import datetime, timedelta

from hiqc.core.calendar import BEIJING
from hiqc.core.workflow import T, Workflow
from hiqc.process_management.conformance import conformance, replay
from hiqc.process_management.mining import Event, Trace

WF = Workflow.build(
    name="probe",
    states={"new": "新", "review": "审核", "asked": "补材料", "done": "结案"},
    initial="new",
    final={"done"},
    transitions=[
        T("start", "new", "review", perm="x"),
        T("ask", "review", "asked", perm="x"),
        T("supplement", "asked", "review", perm="x"),
        T("decide", "review", "done", perm="x"),
    ],
)
T0 = datetime(2026, 11, 2, 9, tzinfo=BEIJING)


def trace(case_id: str, *moves: tuple[str, str, str]) -> Trace:
    return Trace(
        case_id,
        "0001/",
        tuple(Event(a, T0 + timedelta(hours=i), f, t) for i, (a, f, t) in enumerate(moves)),
    )


GOOD = trace(
    "good",
    ("create", "", "new"),
    ("start", "new", "review"),
    ("ask", "review", "asked"),
    ("supplement", "asked", "review"),
    ("decide", "review", "done"),
)


def test_a_trace_the_design_allows_fits_whole_loops_included():
    fit = replay(WF, GOOD)
    assert fit.fitness == 1.0 and fit.deviations == ()


def test_a_step_recorded_from_a_state_the_case_never_reached_is_a_skip():
    # Given an imported sequence: created, then decided "from review" — start was never recorded
    t = trace("skip", ("create", "", "new"), ("decide", "review", "done"))
    fit = replay(WF, t)
    assert fit.fitness == 0.5
    (d,) = fit.deviations
    assert (d.activity, d.kind, d.replay_state, d.recorded_from) == (
        "decide",
        "skipped",
        "new",
        "review",
    )


def test_a_step_the_design_lacks_is_an_unknown_activity_and_the_replay_goes_on():
    t = trace(
        "odd",
        ("create", "", "new"),
        ("start", "new", "review"),
        ("reopen", "review", "new"),
        ("start", "new", "review"),
        ("decide", "review", "done"),
    )
    fit = replay(WF, t)
    assert [d.kind for d in fit.deviations] == ["unknown_activity"]
    assert fit.fitting == 4 and fit.moves == 5


def test_a_step_from_a_state_it_does_not_leave_is_not_allowed():
    t = trace("bad", ("create", "", "new"), ("supplement", "new", "review"))
    assert [d.kind for d in replay(WF, t).deviations] == ["not_allowed"]


def test_a_step_landing_elsewhere_than_designed_is_a_wrong_target():
    t = trace("tgt", ("create", "", "new"), ("start", "new", "done"))
    assert [d.kind for d in replay(WF, t).deviations] == ["wrong_target"]


def test_an_open_case_is_not_a_deviation():
    t = trace("open", ("create", "", "new"), ("start", "new", "review"))
    assert replay(WF, t).fitness == 1.0


def test_process_fitness_pools_moves_and_ranks_deviations_by_frequency():
    skips = [trace(f"s{i}", ("create", "", "new"), ("decide", "review", "done")) for i in range(3)]
    odd = trace("o", ("create", "", "new"), ("start", "new", "review"), ("x", "review", "review"))
    fit = conformance(WF, [GOOD, *skips, odd])
    assert fit.cases == 5 and fit.fitting_cases == 1
    assert fit.moves == 5 + 6 + 3 and fit.fitting == 5 + 3 + 2
    assert [(g.activity, g.kind, g.count) for g in fit.groups] == [
        ("decide", "skipped", 3),
        ("x", "unknown_activity", 1),
    ]
    assert fit.groups[0].case_ids == ("s0", "s1", "s2")
