"""Effect evaluation of an improvement plan (PDCA "Check"; standard 10.2; issue 7 §5): the same
indicator, the same org unit (its subtree), the baseline period against the period after the
actions.

* Proportions (unit ``ratio``, counted records): the two-proportion z-test with Newcombe's interval
  for the difference, or **Fisher's exact test** when an expected cell count is below 5; the effect
  is the difference in percentage points (after − before).
* Durations with underlying values (indicators declared with ``samples``, e.g. the median days to
  payment): the **Mann-Whitney** test on the individual cases before and after, with the
  Hodges-Lehmann shift and the common-language effect size.
* Anything else, or too little data: an honest "not enough data yet" — fewer than
  ``MIN_CASES`` cases in either period, or an after period that has not started.

"Improved" needs the difference in the indicator's better direction **and** p < 0.05; "worse" the
same the other way; otherwise "no significant change" (with the interval, which says how large an
effect the data can rule out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import INDICATORS, rolled_up
from hiqc.core.stats import fisher_exact, mann_whitney, two_proportion_z

MIN_CASES = 30
ALPHA = 0.05


@dataclass(frozen=True)
class Effect:
    verdict: str  # improved | worse | no_change | insufficient | unsupported
    test: str = ""
    before_n: float = 0
    after_n: float = 0
    before: float | None = None
    after: float | None = None
    difference: float | None = None  # after − before, in the indicator's unit
    low: float | None = None
    high: float | None = None
    p_value: float | None = None
    effect_size: float | None = None  # rank-biserial for durations
    note: str = ""


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (datetime.combine(start, time.min, BEIJING),
            datetime.combine(end + timedelta(days=1), time.min, BEIJING))  # fmt: skip


def _counts(code: str, path: str, start: date, end: date) -> tuple[float, float]:
    s, e = _bounds(start, end)
    rows = rolled_up(code, granularity="day", org_path=path, start=s, end=e)
    if not rows:  # rows by month only: whole months inside the period
        rows = rolled_up(code, granularity="month", org_path=path, start=s, end=e)
    return sum(r["numerator"] for r in rows), sum(r["denominator"] for r in rows)


def evaluate(code: str, org_path: str, *, baseline: tuple[date, date], after: tuple[date, date],
             today: date | None = None) -> Effect:  # fmt: skip
    indicator = INDICATORS.get(code)
    if indicator is None:
        return Effect("unsupported", note="unknown indicator")
    today = today or datetime.now(BEIJING).date()
    if after[0] > today:
        return Effect("insufficient", note="after period not started")
    after = (after[0], min(after[1], today))
    higher_better = indicator.direction == "higher_better"
    if indicator.samples is not None:
        b = [v for _w, v in indicator.samples(org_path, *_bounds(*baseline))]
        a = [v for _w, v in indicator.samples(org_path, *_bounds(*after))]
        if len(a) < MIN_CASES or len(b) < MIN_CASES:
            return Effect("insufficient", "mann_whitney", len(b), len(a))
        mw = mann_whitney(b, a)
        before_v, after_v = sorted(b)[len(b) // 2], sorted(a)[len(a) // 2]
        return Effect(_verdict(mw.shift, mw.p_value, higher_better), "mann_whitney", len(b),
                      len(a), before_v, after_v, mw.shift, None, None, mw.p_value,
                      mw.rank_biserial)  # fmt: skip
    if indicator.unit != "ratio":
        return Effect("unsupported", note="sums of values cannot be tested case by case")
    x1, n1 = _counts(code, org_path, *baseline)
    x2, n2 = _counts(code, org_path, *after)
    if n1 < MIN_CASES or n2 < MIN_CASES:
        return Effect("insufficient", "", n1, n2, x1 / n1 if n1 else None, x2 / n2 if n2 else None)
    if not all(float(v).is_integer() for v in (x1, n1, x2, n2)):
        return Effect("unsupported", note="not counts of records")
    x1i, n1i, x2i, n2i = int(x1), int(n1), int(x2), int(n2)
    test = two_proportion_z(x1i, n1i, x2i, n2i)
    pooled = (x1i + x2i) / (n1i + n2i)
    small = min(n1i, n2i) * min(pooled, 1 - pooled) < 5
    p_value = fisher_exact(x1i, n1i, x2i, n2i) if small else test.p_value
    return Effect(_verdict(test.difference, p_value, higher_better),
                  "fisher" if small else "two_proportion_z", n1i, n2i, test.p1, test.p2,
                  test.difference, test.low, test.high, p_value)  # fmt: skip


def _verdict(difference: float, p_value: float, higher_better: bool) -> str:
    if p_value >= ALPHA or difference == 0:
        return "no_change"
    return "improved" if (difference > 0) == higher_better else "worse"
