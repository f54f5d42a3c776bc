"""The mining tables (``eventlog``) and the database's mining over them (``mining_sql``): the
same result, figure for figure, as ``results.mine`` over the traces read from the log."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.models import CaseEvent
from hiqc.process_management import eventlog, selectors
from hiqc.process_management.mining_sql import mine_sql
from hiqc.process_management.models import MiningTrace
from hiqc.process_management.results import mine

from .conftest import PLAN, log

pytestmark = pytest.mark.django_db
AT = datetime(2026, 12, 7, 1, 0)
PERIOD = selectors.Period(date(2026, 1, 1), date(2026, 12, 31))
P4, P5, P6 = (f"00000000-0000-4000-8000-00000000001{i}" for i in range(3))


def rounded(value: Any) -> Any:
    """Floats to 6 decimals (PostgreSQL's avg and sum add in another order than math.fsum)."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


@pytest.fixture(autouse=True)
def _every_unit_compared(monkeypatch):
    """The hand-built logs are small: every unit's waits are compared, however few."""
    monkeypatch.setattr("hiqc.process_management.mining.MIN_WAITS", 1)


@pytest.fixture
def more(org, plans):
    c1, c2 = org["C1"].path, org["C2"].path
    # rework: started twice, over a weekend (working time differs from calendar time)
    log(P4, c2, ("create", "", "plan", 1), ("start", "plan", "do", 100),
        ("start", "plan", "do", 130), ("check", "do", "check", 170))  # fmt: skip
    log(P5, c1, ("create", "", "plan", 2), ("start", "plan", "do", 26.5))
    log(P6, c2, ("create", "", "plan", 3), ("start", "plan", "do", 3.25),
        ("check", "do", "check", 75))  # fmt: skip


def both(path: str, rank: str = "mean") -> tuple[dict, dict | None]:
    actor = Actor.system("t")
    kind = selectors.access_process(actor, PLAN)
    live = mine(kind, selectors.traces(actor, kind, PERIOD, path), path=path, period=PERIOD,
                at=AT, rank=rank)  # fmt: skip
    return live, mine_sql(actor, kind, PERIOD, path, at=AT, rank=rank)


@pytest.mark.parametrize("rank", ["mean", "median", "p90", "total", "working_mean"])
def test_the_database_mining_equals_the_python_mining_over_the_whole_insurer(more, rank):
    # Given the event log and the tables rebuilt from it
    eventlog.rebuild()
    # When both paths mine the process
    live, sql = both("", rank)
    # Then every figure is the same: graph, P90, working time, variants, conformance, rework
    assert sql is not None
    assert live["cases"] == 6 and live["rework"] and live["conformance"]["deviations"]
    assert live["hotspots"]  # the located bottlenecks too
    assert rounded(sql) == rounded(live)


def test_the_database_mining_equals_the_python_mining_over_a_subtree(org, more):
    eventlog.rebuild()
    for unit in ("P1", "C1", "P2", "C2", "O1"):
        live, sql = both(org[unit].path)
        assert sql is not None
        assert rounded(sql) == rounded(live), unit


def test_the_refresh_replaces_the_rows_of_cases_with_new_events(org, more):
    # Given tables rebuilt, then (an hour later) new events: one case goes on, another is new
    eventlog.rebuild()
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        log(P5, org["C1"].path, ("check", "do", "check", 200))
        log("new-case", org["C2"].path, ("create", "", "plan", 5))
        assert not eventlog.current()
        assert both("")[1] is None  # stale tables do not answer: the caller mines live
        # When the refresh runs
        assert eventlog.refresh() == {"cases": 2}
    # Then the tables are current, one row per case, and agree with the Python path
    assert eventlog.current()
    assert MiningTrace.objects.filter(case_id=P5).count() == 1
    live, sql = both("")
    assert rounded(sql) == rounded(live)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert eventlog.refresh() == {"cases": 0}  # nothing new, nothing lately


def test_an_event_committed_after_the_mark_passed_its_id_is_still_read(org, more):
    # Given current tables, and an event whose id the mark has passed (its transaction committed
    # after a later one had been read) — recorded a few minutes ago
    eventlog.rebuild()
    log(P5, org["C1"].path, ("check", "do", "check", 200))
    late = CaseEvent.objects.filter(case_id=P5).order_by("-id").first()
    assert late is not None
    MiningTrace.objects.filter(case_id=P6).update(last_event=late.id + 1000)
    assert eventlog.current()  # by ids alone, nothing is missing
    # When the next refresh runs, within half an hour
    eventlog.refresh()
    # Then the case is read again with its late event
    live, sql = both("")
    assert rounded(sql) == rounded(live)


def test_a_subtree_with_cases_that_moved_between_units_is_mined_live(org, more):
    # Given a case whose events are at two units
    log(P5, org["C2"].path, ("check", "do", "check", 200))
    call_command("mining_tables_refresh", "--full")
    # Then the tables answer for the whole insurer but not below it
    live, sql = both("")
    assert rounded(sql) == rounded(live)
    assert both(org["C1"].path)[1] is None


def test_the_api_answers_from_the_tables_when_current_and_alike_either_way(personas, org, more):
    from django.test import Client

    client = Client()
    client.force_login(personas["quality_lead"])
    url = f"/api/v1/processes/{PLAN}/mining?from=2026-01-01&to=2026-12-31"
    # Given the API's answer mined live (no tables yet)
    live = client.get(url).json()
    # When the tables are built, the answer comes from them and says the same
    eventlog.rebuild()
    assert eventlog.current()
    fast = client.get(url).json()
    for body in (live, fast):
        body.pop("computed_at")
    assert rounded(fast) == rounded(live)
