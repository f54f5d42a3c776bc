"""Nightly mining snapshots: the process page's default view answers at once, says when it was
computed, and equals what a live query over the same subtree and period computes."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.process_management import selectors
from hiqc.process_management.models import MiningSnapshot
from hiqc.process_management.results import mine
from hiqc.process_management.services import snapshots_refresh

from .conftest import P1, PLAN, client_for, log

pytestmark = pytest.mark.django_db
NIGHT = datetime(2026, 12, 6, 3, 30, tzinfo=BEIJING)


@pytest.mark.parametrize(
    "night",
    [
        NIGHT,
        datetime(2026, 12, 31, 3, 30, tzinfo=BEIJING),
        datetime(2027, 1, 1, 3, 30, tzinfo=BEIJING),
    ],
)
def test_each_units_snapshot_equals_the_live_figures_of_its_subtree(org, plans, night):
    # Given the event log, when the nightly job runs (also on the last and first day of a year)
    with time_machine.travel(night, tick=False):
        snapshots_refresh()
        period = selectors.mining_period(None, None, night.date())
    actor = Actor.system("t")
    kind = selectors.access_process(actor, PLAN)
    # Then every unit's snapshot is what a live query of that subtree computes
    snapshots = MiningSnapshot.objects.filter(process=PLAN)
    assert {s.org_path for s in snapshots} >= {org["HO"].path, org["P1"].path, org["C1"].path}
    for snapshot in snapshots:
        assert (snapshot.period_from, snapshot.period_to) == (period.first, period.last)
        live = mine(kind, selectors.traces(actor, kind, period, snapshot.org_path),
                    path=snapshot.org_path, period=period, at=snapshot.computed_at)  # fmt: skip
        assert snapshot.result == live, snapshot.org_path


def test_the_default_view_serves_the_nightly_figures_and_an_asked_period_the_live_ones(
    personas, org, plans
):
    with time_machine.travel(NIGHT, tick=False):
        snapshots_refresh()
    with time_machine.travel(datetime(2026, 12, 6, 15, tzinfo=BEIJING), tick=False):
        # a case started after the night's run
        log("00000000-0000-4000-8000-000000000009", org["C1"].path, ("create", "", "plan", 24 * 33))
        client = client_for(personas["quality_lead"])
        nightly = client.get(f"/api/v1/processes/{PLAN}/mining").json()
        assert nightly["cases"] == 3 and nightly["computed_at"].startswith("2026-12-05T19:30")
        live = client.get(f"/api/v1/processes/{PLAN}/mining?from=2026-01-01&to=2026-12-06").json()
        assert live["cases"] == 4
        page = client.get(f"/process-management/{PLAN}/").content.decode()
        assert "每晚计算的数据" in page and "按当前数据重新计算" in page
        branch = client_for(personas["branch_manager"]).get(f"/api/v1/processes/{PLAN}/mining")
        assert branch.json()["cases"] == 2  # P1's own snapshot: p1 and p2


def test_a_unit_without_cases_of_a_process_gets_no_snapshot(org, plans):
    with time_machine.travel(NIGHT, tick=False):
        snapshots_refresh()
    paths = set(MiningSnapshot.objects.filter(process=PLAN).values_list("org_path", flat=True))
    assert org["C2"].path not in paths and org["P2"].path in paths
    assert P1  # the fixture's first plan is under C1


def test_a_nightly_snapshot_reads_in_the_readers_language(personas, plans):
    with time_machine.travel(NIGHT, tick=False):
        snapshots_refresh()
        client = client_for(personas["quality_lead"])
        zh = client.get(f"/api/v1/processes/{PLAN}/mining").json()
        en = client.get(f"/api/v1/processes/{PLAN}/mining", HTTP_ACCEPT_LANGUAGE="en").json()
    assert zh["computed_at"] == en["computed_at"]  # the same snapshot
    zh_labels = {n["activity"]: n["label"] for n in zh["nodes"]}
    en_labels = {n["activity"]: n["label"] for n in en["nodes"]}
    assert zh_labels["create"] == "创建" and en_labels["create"] == "Created"
    assert not any("\u4e00" <= ch <= "\u9fff" for label in en_labels.values() for ch in label)
