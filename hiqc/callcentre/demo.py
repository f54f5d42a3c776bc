"""Demo call records: 12 months to yesterday, ~200,000 calls over the ten 中心支公司 call sites.

* Volume: a weekday curve (Monday busiest, Sunday about half) and an intraday curve with a morning
  and an afternoon peak; people answer 08:00–20:00 on working days and 09:00–17:00 otherwise, the
  IVR alone the rest of the day (CC-1). Queue mix: consultation, claims, complaint, other.
* Waits: most calls are answered within seconds; a share waits an exponential time whose mean
  grows with the interval's load; callers whose patience runs out abandon (a few within 5 s:
  short abandons, CC-3). Handling times are log-normal per queue.
* One site's complaint queue is under-staffed (waits several times longer), so its complaint
  service level sits well below the 95 % target every month. The dashboard's worst-first site
  table reveals it; nothing in the data or the UI names it.

Deterministic and idempotent: call ids are ``DEMO-<yyyymmdd>-<site>-<n>`` from a per-day seed, and
a day already present is skipped, so a re-run adds only days that passed since. Rows go through
the bulk import (``services.calls_import``); the indicators are computed for the range at the end
(day and month for the year, 15-minute intervals for the last two weeks).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models.functions import Substr
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING, load_year
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import OrgUnit

from .enums import ImportFormat, ImportSource
from .indicators import calls_indicators_compute
from .models import CallRecord
from .services import calls_import

DAYS = 365
CALLS_PER_YEAR = int(getattr(settings, "HIQC_DEMO_CALLS_PER_YEAR", 200_000))
INTERVAL_DAYS = 14  # 15-minute indicator rows for the most recent days
PREFIX = "DEMO-"
SITE_WEIGHTS = {
    "BJ-CY": 12, "BJ-HD": 12, "BJ-DC": 8, "GD-GZ": 14, "GD-SZ": 14, "GD-FS": 7, "GD-DG": 7,
    "SC-CD": 14, "SC-MY": 6, "SC-DY": 6,
}  # fmt: skip
UNDERSTAFFED = ("SC-MY", "complaint")
WEEKDAY = (1.15, 1.05, 1.0, 1.0, 0.95, 0.6, 0.5)  # Monday … Sunday
QUEUES = (("consultation", 0.55), ("claims", 0.2), ("complaint", 0.12), ("other", 0.13))
HANDLE_MEAN_S = {"consultation": 170, "claims": 290, "complaint": 420, "other": 140}
IVR_ONLY_SHARE = 0.08


def _hour_weights() -> list[float]:
    """Relative calls per hour: two peaks (10:00, 15:00), a quiet night."""
    weights = []
    for hour in range(24):
        w = 0.04
        if 7 <= hour <= 21:
            w = (
                0.3
                + math.exp(-((hour + 0.5 - 10) ** 2) / 3)
                + 0.8 * math.exp(-((hour + 0.5 - 15) ** 2) / 4)
            )
        weights.append(w)
    total = sum(weights)
    return [w / total for w in weights]


HOURS = _hour_weights()


def _staffed(day: date, hour: int, working: bool) -> bool:
    return 8 <= hour < 20 if working else 9 <= hour < 17


def _day_rows(day: date, sites: list[tuple[str, float]], seed: int) -> Iterator[bytes]:
    rnd = random.Random(f"{seed}-{day.isoformat()}")
    working = load_year(day.year).is_working_day(day)
    per_day = CALLS_PER_YEAR / DAYS * WEEKDAY[day.weekday()] / (sum(WEEKDAY) / 7)
    if not working and day.weekday() < 5:
        per_day *= 0.55  # public holiday
    stamp = day.strftime("%Y%m%d")
    queue_names = [q for q, _w in QUEUES]
    queue_weights = [w for _q, w in QUEUES]
    for code, share in sites:
        n = 0
        expected = per_day * share
        for hour in range(24):
            volume = expected * HOURS[hour]
            count = int(volume) + (rnd.random() < volume - int(volume))
            staffed = _staffed(day, hour, working)
            load = min(2.0, volume / (expected * max(HOURS)) + 0.4)  # busier hour, longer waits
            for _ in range(count):
                n += 1
                queue = rnd.choices(queue_names, queue_weights)[0]
                offered = datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING) + timedelta(
                    seconds=rnd.randrange(3600)
                )
                call_id = f"{PREFIX}{stamp}-{code}-{n:05d}"
                if not staffed or rnd.random() < IVR_ONLY_SHARE:
                    ended = offered + timedelta(seconds=rnd.randrange(30, 180))
                    yield _line(call_id, queue, code, offered, None, ended, "", False, True)
                    continue
                poor = (code, queue) == UNDERSTAFFED
                waits = rnd.random() < (0.85 if poor else 0.25)
                wait = rnd.expovariate(1 / ((55 if poor else 5) * load)) if waits else 0.0
                wait += rnd.uniform(1, 4)  # ringing
                patience = rnd.expovariate(1 / 90) if rnd.random() > 0.02 else rnd.uniform(1, 5)
                if patience < wait:
                    ended = offered + timedelta(seconds=patience)
                    yield _line(call_id, queue, code, offered, None, ended, "", True, False)
                    continue
                answered = offered + timedelta(seconds=wait)
                handle = rnd.lognormvariate(math.log(HANDLE_MEAN_S[queue]) - 0.18, 0.6)
                agent = f"{code}-{rnd.randrange(1, 40):03d}"
                yield _line(
                    call_id,
                    queue,
                    code,
                    offered,
                    answered,
                    answered + timedelta(seconds=handle),
                    agent,
                    False,
                    False,
                )


def _line(
    call_id: str,
    queue: str,
    unit: str,
    offered: datetime,
    answered: datetime | None,
    ended: datetime,
    agent: str,
    abandoned: bool,
    ivr_only: bool,
) -> bytes:
    def t(moment: datetime | None) -> str:
        return moment.replace(microsecond=0, tzinfo=None).isoformat(sep=" ") if moment else ""

    return (
        f"{call_id},{queue},{unit},{t(offered)},{t(answered)},{t(ended)},{agent},"
        f"{'true' if abandoned else 'false'},{'true' if ivr_only else 'false'}\n"
    ).encode()


def _sites(org_units: Mapping[str, OrgUnit]) -> list[tuple[str, float]]:
    cities = [u.code for u in org_units.values() if u.level == OrgLevel.CITY]
    weights = {code: SITE_WEIGHTS.get(code, 6) for code in sorted(cities)}
    total = sum(weights.values()) or 1
    return [(code, w / total) for code, w in weights.items()]


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, Any], actor: Actor
) -> dict[str, int]:
    started = time.perf_counter()
    sites = _sites(org_units)
    today = timezone.localdate()
    first_day = today - timedelta(days=DAYS)
    present = set(
        CallRecord.objects.filter(call_id__startswith=PREFIX)
        .annotate(day=Substr("call_id", len(PREFIX) + 1, 8))
        .values_list("day", flat=True)
        .distinct()
    )
    missing = [
        first_day + timedelta(days=i)
        for i in range(DAYS)
        if (first_day + timedelta(days=i)).strftime("%Y%m%d") not in present
    ]
    if not sites or not missing:
        return {"calls_inserted": 0, "call_days_added": 0}

    def source() -> Iterator[bytes]:
        yield b"call_id,queue,org_unit,offered_at,answered_at,ended_at,agent,abandoned,ivr_only\n"
        for day in missing:
            yield from _day_rows(day, sites, seed)

    report = calls_import(
        actor=actor,
        source=source(),
        file_format=ImportFormat.CSV,
        origin=ImportSource.DEMO,
        file_name="demo",
        recompute=False,
    )
    begin = datetime.combine(missing[0], datetime.min.time(), tzinfo=BEIJING)
    end = datetime.combine(today, datetime.min.time(), tzinfo=BEIJING)
    rows = calls_indicators_compute(start=begin, end=end, granularities=("day", "month"))
    rows += calls_indicators_compute(
        start=max(begin, end - timedelta(days=INTERVAL_DAYS)), end=end, granularities=("15min",)
    )
    return {
        "calls_inserted": report.inserted,
        "call_days_added": len(missing),
        "call_rows_rejected": report.rejected_total,
        "call_indicator_rows": rows,
        "call_seconds": round(time.perf_counter() - started),
    }
