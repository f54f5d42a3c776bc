"""Targets of the product figures (standard 3.3.3; DESIGN rule 9): one rule per figure, with an
HIQC design default (no clause sets a number), changed on the rules page like every setting.

A figure **crosses** its target when it is worse than the target in the figure's direction
(above it for a lower-is-better figure, below it for a higher-is-better one) **beyond chance**:
it rests on at least ``products.monitoring.min_sample`` cases and its whole 95 % interval (Wilson
for a share, the exact Poisson interval for a rate per 10,000 policies; the payout ratio, money
over money, by its value) lies on the wrong side. A figure worse than the target on too little
evidence is **under watch** (待观察): shown, never a flag that opens an update project. No value
(no denominator), no verdict.
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
MIN_SAMPLE = Rule("products.monitoring.min_sample", 30, "count",
                  _("产品监测：判定越过目标的最小样本量"),
                  _P + "指标所依据的案件数（保单、核定件数、时限、赔款件数或答卷）少于此值时只提示待观察，"
                  "不判定越过目标", "P")  # fmt: skip

CROSSES, WATCH = "crosses", "watch"


def register_rules() -> None:
    rules.register_rules(*TARGET_RULES.values(), MIN_SAMPLE)


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


def _worse(fig: Figure, value: float, target: Target) -> bool:
    if SPECS[fig.code].direction == LOWER:
        return value > target.value
    return value < target.value


def min_sample() -> int:
    """The fewest cases a figure must rest on to cross its target (the rule's value)."""
    return int(rule_value(MIN_SAMPLE.key))


def verdict(fig: Figure, target: Target | None, least: int | None = None) -> str:
    """``crosses`` (worse than the target beyond chance), ``watch`` (worse on too little
    evidence) or ``""``. ``least`` is the minimum sample (default: the rule's value, read once
    per page by the caller when it judges many figures)."""
    value = fig.value
    if value is None or target is None or not _worse(fig, value, target):
        return ""
    if fig.sample < (min_sample() if least is None else least):
        return WATCH
    interval = fig.interval()
    if interval is None:
        return CROSSES
    nearest = interval[0] if SPECS[fig.code].direction == LOWER else interval[1]
    return CROSSES if _worse(fig, nearest, target) else WATCH


def reason(fig: Figure, target: Target, product_name: Any) -> str:
    """The text the update project is opened with."""
    return str(_("{product}：{figure} {value}，目标 {target}（{source}）")).format(
        product=product_name,
        figure=fig.spec.label,
        value=fig.shown(),
        target=target.shown(),
        source=target.source,
    )
