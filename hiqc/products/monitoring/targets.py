"""Targets of the product figures (standard 3.3.3; DESIGN rule 9): one rule per figure, with an
HIQC design default (no clause sets a number), changed on the rules page like every setting.

A figure **crosses** its target when its value is worse than the target in the figure's
direction (above it for a lower-is-better figure, below it for a higher-is-better one); no value
(no denominator), no crossing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from hiqc.core import rules
from hiqc.core.rules import Rule, rule_value

from .figures import LOWER, PER_10K, SPECS, Figure

SOURCE = "设计默认值"  # the source note every product target carries until configured
_P = "HIQC 设计默认值（P）："

TARGET_RULES: dict[str, Rule] = {
    "complaints_per_10k": Rule("products.target.complaints_per_10k", 10, "count",
                               _("产品监测目标：万单投诉量上限（件/万单）"),
                               _P + "产品万单投诉量超过此值时提示发起产品更新", "P"),
    "refusal_rate": Rule("products.target.refusal_rate_percent", 10, "percent",
                         _("产品监测目标：拒赔率上限"), _P + "超过时提示发起产品更新", "P"),
    "on_time_rate": Rule("products.target.on_time_rate_percent", 95, "percent",
                         _("产品监测目标：理赔时效达标率下限"), _P + "低于时提示发起产品更新", "P"),
    "payout_ratio": Rule("products.target.payout_ratio_percent", 30, "percent",
                         _("产品监测目标：赔付率下限"),
                         _P + "赔付率过低提示产品保障价值不足，低于时提示发起产品更新", "P"),
    "consultations_per_10k": Rule("products.target.consultations_per_10k", 3000, "count",
                                  _("产品监测目标：万单咨询量上限（件/万单）"),
                                  _P + "超过时提示条款或服务说明不清", "P"),
    "lapse_rate": Rule("products.target.lapse_rate_percent", 15, "percent",
                       _("产品监测目标：退保失效率上限"), _P + "超过时提示发起产品更新", "P"),
    "satisfaction": Rule("products.target.satisfaction_percent", 80, "percent",
                         _("产品监测目标：客户满意度下限"),
                         _P + "满意度调查中满意（4–5 分）答卷占比低于时提示发起产品更新", "P"),
}  # fmt: skip


def register_rules() -> None:
    rules.register_rules(*TARGET_RULES.values())


@dataclass(frozen=True)
class Target:
    code: str
    value: float  # in the figure's own unit: per 10k policies, or a ratio
    source: str

    def shown(self) -> str:
        if SPECS[self.code].unit == PER_10K:
            return f"{self.value:g}"
        return f"{100 * self.value:g}%"


def targets() -> dict[str, Target]:
    out = {}
    for code, rule in TARGET_RULES.items():
        raw = float(rule_value(rule.key))
        value = raw if SPECS[code].unit == PER_10K else raw / 100
        configured = raw != float(rule.default)
        out[code] = Target(code, value, str(_("已配置")) if configured else SOURCE)
    return out


def crosses(fig: Figure, target: Target | None) -> bool:
    value = fig.value
    if value is None or target is None:
        return False
    if SPECS[fig.code].direction == LOWER:
        return value > target.value
    return value < target.value


def reason(fig: Figure, target: Target, product_name: Any) -> str:
    """The text the update project is opened with."""
    return str(_("{product}：{figure} {value}，目标 {target}（{source}）")).format(
        product=product_name,
        figure=fig.spec.label,
        value=fig.shown(),
        target=target.shown(),
        source=target.source,
    )
