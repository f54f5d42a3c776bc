"""Process mining on hand-built event logs whose graph, variants and bottlenecks are known."""

from datetime import datetime, timedelta

import pytest

from hiqc.core.calendar import BEIJING, Source, WorkingTime, YearCalendar, package_year
from hiqc.process_management.mining import (
    END,
    START,
    Event,
    Trace,
    cases_on_edge,
    discover,
    hotspots,
    quantile_cont,
    waiting_by_branch,
)

H = 3600.0
T0 = datetime(2026, 11, 2, 9, tzinfo=BEIJING)  # a Monday


def trace(case_id: str, *steps: tuple[str, float], org_path: str = "0001/0002/") -> Trace:
    """steps: (activity, hours after T0)."""
    return Trace(case_id, org_path, tuple(Event(a, T0 + timedelta(hours=h)) for a, h in steps))


def mon_fri() -> WorkingTime:
    return WorkingTime(lambda y: YearCalendar(y, Source.ADMIN))


LOG = [
    trace("c1", ("create", 0), ("review", 2), ("decide", 6)),
    trace("c2", ("create", 0), ("review", 4), ("decide", 5)),
    trace("c3", ("create", 0), ("review", 1), ("ask", 2), ("review", 10), ("decide", 11)),
    trace("c4", ("create", 0), ("decide", 1)),
]


def test_the_directly_follows_graph_counts_events_and_cases_per_edge():
    pm = discover(LOG, worktime=mon_fri())
    assert pm.cases == 4 and pm.events == 13
    freq = {(e.source, e.target): (e.frequency, e.cases) for e in pm.edges}
    assert freq == {
        (START, "create"): (4, 4),
        ("create", "review"): (3, 3),
        ("review", "decide"): (3, 3),
        ("review", "ask"): (1, 1),
        ("ask", "review"): (1, 1),
        ("create", "decide"): (1, 1),
        ("decide", END): (4, 4),
    }
    nodes = {n.activity: (n.frequency, n.cases) for n in pm.nodes}
    assert nodes["review"] == (4, 3)


def test_edge_durations_are_mean_and_continuous_median_and_p90():
    pm = discover(LOG, worktime=mon_fri())
    edge = pm.edge("create", "review")
    assert edge is not None and edge.calendar is not None
    # create → review waited 2 h, 4 h and 1 h
    assert edge.calendar.mean == pytest.approx(7 / 3 * H)
    assert edge.calendar.median == 2 * H
    assert edge.calendar.p90 == pytest.approx((2 + 0.8 * 2) * H)  # between 2 h and 4 h
    start = pm.edge(START, "create")
    assert start is not None and start.calendar is None


def test_quantile_interpolates_like_percentile_cont():
    assert quantile_cont([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert quantile_cont([10.0], 0.9) == 10.0
    assert quantile_cont([0.0, 10.0], 0.9) == 9.0


def test_variants_carry_their_share_and_case_duration():
    pm = discover(LOG, worktime=mon_fri())
    top = pm.variants[0]
    assert top.activities == ("create", "review", "decide")
    assert top.cases == 2 and top.share == 0.5
    assert top.calendar.median == 5.5 * H  # 6 h and 5 h
    assert [v.cases for v in pm.variants] == [2, 1, 1]


def test_a_repeated_step_is_rework_and_its_loop_shows_as_edges():
    pm = discover(LOG, worktime=mon_fri())
    assert [(r.activity, r.cases, r.repeats) for r in pm.rework] == [("review", 1, 1)]
    assert pm.rework_cases == 1 and pm.rework_rate == 0.25
    assert pm.edge("ask", "review") is not None


def test_the_slowest_wait_before_a_step_ranks_first():
    # review waits: 2, 4, 1 (after create) and 8 (after ask) → mean 3.75 h; decide: 4, 1, 1, 1
    pm = discover(LOG, worktime=mon_fri())
    assert [w.activity for w in pm.bottlenecks][:2] == ["review", "decide"]
    assert pm.bottlenecks[0].calendar.mean == pytest.approx(3.75 * H)
    by_total = discover(LOG, worktime=mon_fri(), rank_by="total")
    assert by_total.bottlenecks[0].calendar.total == pytest.approx(15 * H)


def test_working_time_leaves_out_national_day_while_calendar_time_keeps_it():
    # Given a claim reviewed on 30 September 2026 and decided on 8 October (1–7 October off)
    start = datetime(2026, 9, 30, 12, tzinfo=BEIJING)
    t = Trace("c", "0001/", (Event("review", start), Event("decide", start + timedelta(days=8))))
    wt = WorkingTime(lambda y: package_year(y) or YearCalendar(y, Source.FALLBACK))
    edge = discover([t], worktime=wt).edge("review", "decide")
    assert edge is not None and edge.calendar is not None and edge.working is not None
    assert edge.calendar.mean == 8 * 24 * H
    assert edge.working.mean == 12 * H + 12 * H  # the rest of 30 September, 8 October to noon


def test_the_same_step_is_compared_across_branches():
    log = [
        trace("a1", ("create", 0), ("review", 2), org_path="0001/0002/0005/"),
        trace("a2", ("create", 0), ("review", 4), org_path="0001/0002/0006/"),
        trace("b1", ("create", 0), ("review", 30), org_path="0001/0003/"),
        trace("x", ("create", 0), ("review", 1), org_path="0001/"),  # head office: no branch
    ]

    def branch(path: str) -> str | None:
        parts = path.split("/")
        return parts[1] if len(parts) > 2 and parts[1] else None

    waits = waiting_by_branch(log, "review", branch, worktime=mon_fri())
    assert set(waits) == {"0002", "0003"}
    assert waits["0002"].calendar.mean == 3 * H
    assert waits["0003"].calendar.median == 30 * H


def test_a_step_slow_at_one_unit_against_the_same_step_elsewhere_is_the_located_bottleneck():
    # Given a decision that takes 20 h everywhere, and a review that takes 2 h at A and B but
    # 30 h at C
    a, b, c = "0001/0002/0005/", "0001/0002/0006/", "0001/0003/0007/"
    log = []
    for unit, review in ((a, 2), (b, 2), (c, 30)):
        for n in range(2):
            log.append(trace(f"{unit}{n}", ("create", 0), ("review", review),
                             ("decide", review + 20), org_path=unit))  # fmt: skip
    log.append(trace("ho", ("create", 0), ("review", 2), org_path="0001/"))  # at no compared unit

    def city(path: str) -> str | None:
        return path[:15] if len(path) >= 15 else None

    # When the bottlenecks are ranked per step, the decision is the slowest wait overall
    assert discover(log, worktime=mon_fri()).bottlenecks[0].activity == "decide"
    # Then located per unit, the review at C comes first: 2 × (30 h − 2 h elsewhere)
    spots = hotspots(log, city, worktime=mon_fri(), min_waits=2)
    top = spots[0]
    assert (top.activity, top.unit, top.calendar.count) == ("review", c, 2)
    assert top.others_count == 5 and top.others_mean == 2 * H  # the head-office case counts too
    assert top.excess == 2 * (30 - 2) * H
    # and a unit no slower than the rest is not a bottleneck, nor a step left out
    assert {(h.activity, h.unit) for h in spots} == {("review", c)}
    assert hotspots(log, city, worktime=mon_fri(), leave_out={"review"}, min_waits=2) == []
    # nor a unit with fewer waits than asked for
    assert hotspots(log, city, worktime=mon_fri(), min_waits=3) == []


def test_a_unit_only_somewhat_slower_than_the_rest_is_not_a_located_bottleneck():
    # Given a review of 2 h at A and 2.8 h at B (1.4 times A's: excess, but not clearly slower)
    a, b = "0001/0002/0005/", "0001/0002/0006/"
    log = [trace(f"{unit}{n}", ("create", 0), ("review", review), org_path=unit)
           for unit, review in ((a, 2), (b, 2.8)) for n in range(50)]  # fmt: skip
    # Then no unit is named; a little over 3 h (1.5 times) B is
    assert hotspots(log, lambda p: p[:15], worktime=mon_fri()) == []
    log += [trace("b-slow", ("create", 0), ("review", 3 * 51 - 2.8 * 50 + 1), org_path=b)]
    assert [h.unit for h in hotspots(log, lambda p: p[:15], worktime=mon_fri())] == [b]


def test_every_number_drills_down_to_its_cases():
    assert cases_on_edge(LOG, "review", "decide") == ["c1", "c2", "c3"]
    assert cases_on_edge(LOG, START, "create") == ["c1", "c2", "c3", "c4"]
    assert cases_on_edge(LOG, "ask", "decide") == []


def test_an_empty_log_has_an_empty_map():
    pm = discover([], worktime=mon_fri())
    assert pm.cases == 0 and pm.edges == () and pm.rework_rate is None
