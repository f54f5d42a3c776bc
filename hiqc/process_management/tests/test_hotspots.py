"""The located bottleneck (issue 16 §3, §9): on a claims log shaped like the demo's — ten cities,
one of which reviews documents for about a week while the others take well under a day, and a
decision that takes days everywhere — the head-office page names that city's document review as
its top bottleneck, found from the data alone; the nightly snapshot and the database path say
the same, and the bottleneck drills down to that city's cases."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
import time_machine

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.models import CaseEvent
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import OrgUnit
from hiqc.process_management import eventlog, selectors
from hiqc.process_management.mining_sql import mine_sql
from hiqc.process_management.models import MiningSnapshot
from hiqc.process_management.results import mine
from hiqc.process_management.services import snapshots_refresh

from .conftest import client_for
from .test_mining_sql import rounded

pytestmark = pytest.mark.django_db
CLAIM = "claims.claim"
REVIEW = "documents_complete"  # start_review → documents_complete: the document review
NOW = datetime(2026, 12, 6, 3, 30, tzinfo=BEIJING)
PERIOD = "start=2026-06-01&end=2026-11-30"
PER_CITY = 24
DAY = 86400.0


def _claim(case_id: str, path: str, start: datetime, rng: random.Random, *, slow: bool) -> list:
    """One claim's events as the demo's core system reports them (its distributions)."""
    at, events = start, []

    def step(activity: str, source: str, target: str, days: float) -> None:
        nonlocal at
        at += timedelta(days=days)
        events.append(CaseEvent(
            case_type=CLAIM, case_id=case_id, org_path=path, activity=activity,
            from_state=source, to_state=target, at=at, actor_name="core",
            source=CaseEvent.Source.IMPORT,
        ))  # fmt: skip

    step("create", "", "received", 0)
    step("start_review", "received", "review", rng.uniform(2, 30) / 24)
    if rng.random() < 0.15:  # the one-time notice, and the customer's time it waits for
        step("request_supplement", "review", "awaiting_supplement",
             rng.uniform(0.2, 1.5) * (4 if slow else 1))  # fmt: skip
        step("notice_delivered", "awaiting_supplement", "awaiting_supplement",
             rng.uniform(0.05, 2))  # fmt: skip
        step("supplement_received", "awaiting_supplement", "review", rng.triangular(1, 20, 4))
    step(REVIEW, "review", "adjudication",
         rng.triangular(3, 14, 7) if slow else rng.triangular(0.1, 3, 0.6))  # fmt: skip
    step("decide", "adjudication", "decided", rng.triangular(0.5, 6, 2))
    step("agree_amount", "decided", "paying", rng.uniform(0.1, 3))
    step("pay", "paying", "paid", rng.uniform(0.5, 6))
    step("close", "paid", "closed", rng.uniform(0.2, 3))
    return events


@pytest.fixture
def claims_log(org) -> OrgUnit:
    return build_claims_log(org)


def build_claims_log(org) -> OrgUnit:
    """Ten cities (the fixture's two and eight more), one of them slow at document review;
    returns the slow one (picked at random: the pages must find it from the data)."""
    cities = [org["C1"], org["C2"]]
    for i in range(8):
        parent = org["P1"] if i % 2 else org["P2"]
        n = len(OrgUnit.objects.filter(parent=parent)) + 1
        cities.append(OrgUnit.objects.create(
            code=f"CX{i}", name=f"第{i}中心支公司", name_en=f"CX{i}", level=OrgLevel.CITY,
            parent=parent, path=f"{parent.path}{n:04d}/",
        ))  # fmt: skip
    rng = random.Random(16)
    slow = rng.choice(cities)
    events = []
    for city in cities:
        for n in range(PER_CITY):
            start = datetime(2026, 6, 1, 9, tzinfo=BEIJING) + timedelta(days=rng.uniform(0, 150))
            case_id = f"00000000-0000-4000-9000-{cities.index(city):04d}{n:08d}"
            events += _claim(case_id, city.path, start, rng, slow=city == slow)
    CaseEvent.objects.bulk_create(events)
    return slow


def test_the_head_office_page_names_the_slow_citys_document_review_as_the_top_bottleneck(
    personas, org, claims_log
):
    slow = claims_log
    actor = Actor.system("t")
    kind = selectors.access_process(actor, CLAIM)
    period = selectors.Period(datetime(2026, 6, 1).date(), datetime(2026, 11, 30).date())
    # Given the claims of every city, mined at head office
    result = mine(kind, selectors.traces(actor, kind, period, org["HO"].path),
                  path=org["HO"].path, period=period, at=NOW)  # fmt: skip
    # Then the slowest step overall is another (the decision takes days everywhere) …
    assert result["bottlenecks"][0]["activity"] != REVIEW
    # … but located per unit, the slow city's document review comes first, well above the rest
    top = result["hotspots"][0]
    assert (top["activity"], top["org_path"], top["count"]) == (REVIEW, slow.path, PER_CITY)
    assert top["calendar"]["mean"] > 4 * DAY and top["others_mean"] < 2 * DAY
    assert all(3 * h["excess"] < top["excess"] for h in result["hotspots"][1:])
    # And the page says so, with the figures beside it, linked to the cases behind it
    client = client_for(personas["quality_lead"])
    page = client.get(f"/process-management/{CLAIM}/?{PERIOD}").content.decode()
    headline = page.split('id="top-bottleneck"', 1)[1].split("</p>", 1)[0]
    assert f"资料齐全，进入核定 @ {slow.name}" in headline and "其他机构平均" in headline
    cases = client.get(
        f"/process-management/{CLAIM}/cases/?{PERIOD}&hotspot={REVIEW}%7C{slow.path}"
    ).content.decode()
    listed = cases.count('class="mono"')
    assert listed == PER_CITY
    assert f"-{slow.path}" not in cases  # (ids, not paths, are listed)


def test_the_nightly_snapshot_and_the_database_path_carry_the_located_bottleneck(
    personas, org, claims_log
):
    slow = claims_log
    actor = Actor.system("t")
    kind = selectors.access_process(actor, CLAIM)
    period = selectors.Period(datetime(2026, 6, 1).date(), datetime(2026, 11, 30).date())
    # Given the mining tables built: the database's figures are the Python path's
    eventlog.rebuild()
    live = mine(kind, selectors.traces(actor, kind, period, org["HO"].path),
                path=org["HO"].path, period=period, at=NOW)  # fmt: skip
    sql = mine_sql(actor, kind, period, org["HO"].path, at=NOW)
    assert sql is not None and rounded(sql["hotspots"]) == rounded(live["hotspots"])
    # When the nightly job runs, head office's snapshot names the same bottleneck
    with time_machine.travel(NOW, tick=False):
        snapshots_refresh()
        snapshot = MiningSnapshot.objects.get(process=CLAIM, org_path=org["HO"].path)
        top = snapshot.result["hotspots"][0]
        assert (top["activity"], top["org_path"]) == (REVIEW, slow.path)
        # and the default view (the nightly figures) shows it
        page = client_for(personas["quality_lead"]).get(f"/process-management/{CLAIM}/")
    text = page.content.decode()
    assert "以下为每晚计算的数据" in text
    assert f"资料齐全，进入核定 @ {slow.name}" in text.split('id="top-bottleneck"', 1)[1]
