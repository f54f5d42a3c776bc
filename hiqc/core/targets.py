"""Indicator targets and red / amber / green status (issue 7 §1; DESIGN rule 5).

A target is data (``IndicatorTarget``): set at an org unit, inherited down the tree, dated, with
its source (regulation, standard, internal). ``target_for`` answers the one in force for a unit on
a day: the nearest unit up the tree (the longest matching path) that has one valid on that day,
its latest version. ``status`` compares a value with it in the indicator's direction: green when
the target is met, amber when only the warning level is, red otherwise; no target or no value, no
status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from .indicators import INDICATORS
from .models import IndicatorTarget

Status = Literal["green", "amber", "red"]


@dataclass(frozen=True)
class Target:
    code: str
    org_path: str
    target: float
    warning: float | None
    source_kind: str
    source: str
    valid_from: date

    def get_source_kind_display(self) -> str:
        """法规 / 标准 / 内部目标 in the reader's language, as the model's own display reads."""
        kinds = dict(IndicatorTarget.SourceKind.choices)
        return str(kinds.get(self.source_kind, self.source_kind))


def _ancestors(org_path: str) -> list[str]:
    """ "" and every prefix path of ``org_path`` ("0001/", "0001/0002/", …), nearest last."""
    parts = [p for p in org_path.split("/") if p]
    return ["", *("/".join(parts[: i + 1]) + "/" for i in range(len(parts)))]


def targets_for(codes: Iterable[str], org_path: str, on: date) -> dict[str, Target]:
    """The target in force for each code at ``org_path`` on ``on`` (codes without one left out)."""
    paths = _ancestors(org_path)
    rows = IndicatorTarget.objects.filter(
        code__in=list(codes), org_path__in=paths, valid_from__lte=on
    ).order_by("code", "valid_from")
    best: dict[str, tuple[int, date, IndicatorTarget]] = {}
    for row in rows:
        depth = paths.index(row.org_path)
        current = best.get(row.code)
        if current is None or (depth, row.valid_from) > (current[0], current[1]):
            best[row.code] = (depth, row.valid_from, row)
    return {
        code: Target(code, r.org_path, r.target, r.warning, r.source_kind, r.source, r.valid_from)
        for code, (_d, _v, r) in best.items()
    }


def target_for(code: str, org_path: str, on: date) -> Target | None:
    return targets_for([code], org_path, on).get(code)


def status(code: str, value: float | None, target: Target | None) -> Status | None:
    if value is None or target is None:
        return None
    indicator = INDICATORS.get(code)
    lower_better = indicator is not None and indicator.direction == "lower_better"

    def meets(limit: float) -> bool:
        return value <= limit if lower_better else value >= limit

    if meets(target.target):
        return "green"
    if target.warning is not None and meets(target.warning):
        return "amber"
    return "red"
