"""The measured effect of a process change (standard 2.2.2(2)(3), 2.3.2; issue 16 §7): the cases
that started in the N days before a process version took effect against those that started in the
N days after (N = the days since, at most ``WINDOW_DAYS``), over the version's subtree:

* **cycle time** — days from creation to the first final state, of the cases that reached one:
  Mann-Whitney (``core.stats``) with the Hodges-Lehmann shift;
* **rework rate** — cases that repeated a step ÷ cases: two-proportion z-test with Newcombe's
  interval (Fisher's exact test when an expected count is below 5);
* **wait before the slowest own step** (chosen from the before-period's map, so both periods are
  measured on the same step): Mann-Whitney.

Below ``MIN_CASES`` cases on either side the answer is "not enough data" rather than a p-value.
Each group is thinned to at most ``MAX_VALUES`` values (every k-th, in time order) before the
Mann-Whitney test, whose Hodges-Lehmann shift needs memory n_a × n_b.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from statistics import median
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hiqc.core.access import Actor
from hiqc.core.casekinds import CASE_KINDS, CaseKind
from hiqc.core.models import ProcessVersion
from hiqc.core.plan_links import ChangeEffect
from hiqc.core.stats import fisher_exact, mann_whitney, two_proportion_z

from .mining import Trace
from .results import mine
from .selectors import VIEW, Period, subtree_path, traces

WINDOW_DAYS = 90
MIN_DAYS = 14  # a change younger than this is not compared yet
MIN_CASES = 30
MAX_VALUES = 2000
ALPHA = 0.05


@dataclass(frozen=True)
class Comparison:
    metric: str
    before_n: int
    after_n: int
    before: float | None  # median (durations, days) or rate
    after: float | None
    difference: float | None  # after − before (HL shift for durations)
    p_value: float | None
    verdict: str  # improved | worse | no_change | insufficient


def windows(effective: date, today: date) -> tuple[Period, Period] | None:
    """The matched before and after periods, or None while the change is too young."""
    days = min(WINDOW_DAYS, (today - effective).days)
    if days < MIN_DAYS:
        return None
    before = Period(effective - timedelta(days=days), effective - timedelta(days=1))
    after = Period(effective, effective + timedelta(days=days - 1))
    return before, after


def _thin(values: Sequence[float]) -> list[float]:
    step = max(1, -(-len(values) // MAX_VALUES))
    return list(values[::step])


def _verdict(difference: float, p_value: float) -> str:
    if p_value >= ALPHA or difference == 0:
        return "no_change"
    return "improved" if difference < 0 else "worse"  # every metric here: lower is better


def _durations(metric: str, a: list[float], b: list[float]) -> Comparison:
    if len(a) < MIN_CASES or len(b) < MIN_CASES:
        return Comparison(metric, len(a), len(b), median(a) if a else None,
                          median(b) if b else None, None, None, "insufficient")  # fmt: skip
    test = mann_whitney(_thin(a), _thin(b))
    return Comparison(metric, len(a), len(b), median(a), median(b), test.shift, test.p_value,
                      _verdict(test.shift, test.p_value))  # fmt: skip


def _rate(metric: str, x1: int, n1: int, x2: int, n2: int) -> Comparison:
    if n1 < MIN_CASES or n2 < MIN_CASES:
        return Comparison(metric, n1, n2, x1 / n1 if n1 else None, x2 / n2 if n2 else None,
                          None, None, "insufficient")  # fmt: skip
    pooled = (x1 + x2) / (n1 + n2)
    small = min(n1, n2) * min(pooled, 1 - pooled) < 5
    test = two_proportion_z(x1, n1, x2, n2)
    p_value = fisher_exact(x1, n1, x2, n2) if small else test.p_value
    return Comparison(metric, n1, n2, test.p1, test.p2, test.difference, p_value,
                      _verdict(test.difference, p_value))  # fmt: skip


def _cycle_days(kind: CaseKind, traces: list[Trace]) -> list[float]:
    final = kind.workflow.final
    out = []
    for t in traces:
        end = next((e.at for e in t.events if e.to_state in final), None)
        if end is not None:
            out.append((end - t.started_at).total_seconds() / 86400)
    return out


def _waits(traces: list[Trace], step: str) -> list[float]:
    return [
        (nxt.at - prev.at).total_seconds() / 86400
        for t in traces
        for prev, nxt in pairwise(t.events)
        if nxt.activity == step
    ]


def compare(
    kind: CaseKind, before: list[Trace], after: list[Trace], *, path: str, periods: tuple[Period, Period]
) -> dict[str, Any]:  # fmt: skip
    """The before/after comparison of one process change (see the module's docstring)."""
    rework = [sum(len(set(t.activities)) < len(t.events) for t in ts) for ts in (before, after)]
    base = mine(kind, before, path=path, period=periods[0], at=timezone.now())
    step = base["top_step"]["activity"] if base["top_step"] else None
    rows = [
        _durations("cycle_days", _cycle_days(kind, before), _cycle_days(kind, after)),
        _rate("rework_rate", rework[0], len(before), rework[1], len(after)),
    ]
    if step:
        rows.append(_durations("step_wait_days", _waits(before, step), _waits(after, step)))
    return {
        "before": periods[0],
        "after": periods[1],
        "cases": (len(before), len(after)),
        "step": step,
        "step_label": base["top_step"]["label"] if base["top_step"] else "",
        "rows": rows,
    }


def measure(actor: Actor, kind: CaseKind, version: ProcessVersion, today: date
            ) -> dict[str, Any] | None:  # fmt: skip
    """The comparison of ``version`` over the cases the actor may see (its subtree, or the
    actor's own for a version for everywhere), or None while it is too young."""
    path = version.org_path or subtree_path(actor, None)
    periods = windows(version.effective_from, today)
    if periods is None:
        return None
    before, after = (list(traces(actor, kind, p, path)) for p in periods)
    return compare(kind, before, after, path=path, periods=periods)


def _metric(metric: str, step_label: str) -> str:
    if metric == "cycle_days":
        return _("处理周期（天，中位）")
    if metric == "rework_rate":
        return _("返工率")
    return _("{step}之前的等待（天，中位）").format(step=step_label)


def _value(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


VERDICT_LABELS = {
    "improved": gettext_noop("已改善"),
    "worse": gettext_noop("变差"),
    "no_change": gettext_noop("无显著变化"),
    "insufficient": gettext_noop("数据不足"),
}


def summary_line(row: Comparison, step_label: str) -> str:
    """One metric of a comparison in one line: "处理周期（天，中位）：12.00 → 8.00（已改善，p = 0.0001）"."""
    verdict = _(VERDICT_LABELS[row.verdict])
    tail = verdict if row.p_value is None else f"{verdict}，p = {row.p_value:.4f}"
    return _("{metric}：{before} → {after}（{tail}）").format(
        metric=_metric(row.metric, step_label), before=_value(row.before),
        after=_value(row.after), tail=tail,
    )  # fmt: skip


def version_effect(actor: Actor, version: ProcessVersion) -> ChangeEffect | None:
    """The kernel's effect reader (``hiqc.core.plan_links``; issue 16 §7): the measured effect
    of ``version`` as the actor may see it, or None when the actor may not see the process
    analysis of the version's unit — then no numbers leave this app."""
    kind = CASE_KINDS.get(version.process)
    if kind is None or not actor.paths_for(VIEW):
        return None
    if version.org_path and not actor.can(VIEW, version.org_path):
        return None
    url = reverse("process_management:changes", args=[kind.label]) + f"#version-{version.pk}"
    effect = measure(actor, kind, version, timezone.localdate())
    if effect is None:
        return ChangeEffect(url, [], _("生效不足 {n} 天，暂不比较。").format(n=MIN_DAYS))
    return ChangeEffect(url, [summary_line(r, effect["step_label"]) for r in effect["rows"]])
