"""The arithmetic of a score, pure (no ORM): standard 4.1.3(2), 7.2 (QA scores in assessment).

total = 100 × Σ points awarded ÷ Σ points available over the sheet's non-fatal items, rounded
half-up to one decimal; any fatal item marked → total 0 (致命错误一票否决).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ItemSpec:
    id: str
    points: int  # maximum points (0 for a fatal item)
    fatal: bool


@dataclass(frozen=True)
class LineIn:
    item_id: str
    points: int
    fatal_hit: bool
    comment: str = ""


def parse_lines(raw: Iterable[Mapping[str, Any]]) -> list[LineIn]:
    out = []
    for row in raw:
        try:
            points = int(row.get("points") or 0)
        except (TypeError, ValueError):
            points = -1
        out.append(
            LineIn(
                item_id=str(row.get("item_id", "")),
                points=points,
                fatal_hit=bool(row.get("fatal_hit")),
                comment=str(row.get("comment") or "")[:500],
            )
        )
    return out


def check_lines(items: list[ItemSpec], lines: list[LineIn]) -> dict[str, list[str]]:
    """Field errors keyed ``item_<id>``; every item of the sheet needs exactly one line."""
    errors: dict[str, list[str]] = {}
    by_id = {i.id: i for i in items}
    seen: set[str] = set()
    for line in lines:
        item = by_id.get(line.item_id)
        key = f"item_{line.item_id}"
        if item is None:
            errors.setdefault("lines", []).append(_("评分项不属于该评分表。"))
            continue
        if line.item_id in seen:
            errors.setdefault(key, []).append(_("同一评分项只能评一次。"))
        seen.add(line.item_id)
        if not item.fatal and not 0 <= line.points <= item.points:
            errors.setdefault(key, []).append(
                _("得分须在 0 至 {max} 之间。").format(max=item.points)
            )
        if item.fatal and line.points:
            errors.setdefault(key, []).append(_("致命错误项不计分，只标记是否出现。"))
        if not item.fatal and line.fatal_hit:
            errors.setdefault(key, []).append(_("该项不是致命错误项。"))
    for item in items:
        if item.id not in seen and not item.fatal:
            errors.setdefault(f"item_{item.id}", []).append(_("请为此项评分。"))
    return errors


def compute_total(items: list[ItemSpec], lines: list[LineIn]) -> tuple[Decimal, bool]:
    """(total on a 0–100 scale, fatal?) for lines already checked by ``check_lines``."""
    by_id = {i.id: i for i in items}
    fatal = any(line.fatal_hit and by_id[line.item_id].fatal for line in lines)
    available = sum(i.points for i in items if not i.fatal)
    if fatal or not available:
        return Decimal("0.0"), fatal
    awarded = sum(line.points for line in lines if not by_id[line.item_id].fatal)
    total = (Decimal(100) * awarded / available).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return total, False
