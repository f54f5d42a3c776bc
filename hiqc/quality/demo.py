"""Quality demo step (runs after every other domain's demo): every declared indicator that has no
month rows yet is computed over the demo year by month, and by day for the last 30 days — what
the nightly job (``core.indicators_daily``) would have written had the system run all year."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import INDICATORS, align, indicators_compute, next_start
from hiqc.core.models import IndicatorValue
from hiqc.organisations.models import OrgUnit, User

from .services import nonconformities_detect

DAYS = 366


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    now = timezone.now().astimezone(BEIJING)
    counts = _indicators(now)
    counts["nonconformities"] = len(nonconformities_detect().opened)
    return counts


def _indicators(now: datetime) -> dict[str, int]:
    have = set(IndicatorValue.objects.filter(granularity="month").values_list("code", flat=True))
    missing = [
        code for code, i in INDICATORS.items()
        if code not in have and i.samples is None and "month" in i.granularities
    ]  # fmt: skip
    if not missing:
        return {}
    start = align(now - timedelta(days=DAYS), "month")
    end = next_start(align(now, "month"), "month")
    rows = indicators_compute(codes=missing, granularity="month", start=start, end=end)
    # day rows for the last 30 days only (the overview and control charts read months)
    day_start = align(now - timedelta(days=30), "day")
    day_end = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), BEIJING)
    rows += indicators_compute(codes=missing, granularity="day", start=day_start, end=day_end)
    return {"indicators": len(missing), "indicator_rows": rows}
