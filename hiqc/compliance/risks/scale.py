"""The 5×5 scale and the residual arithmetic (standard 9.2.1(3); issue 20 §4; ADR 0028).

Every number is a rule (DESIGN rule 9), all HIQC design defaults (P):

* **rating** = likelihood × impact, 1..25.
* **bands**: rating ≥ ``compliance.risk_band_extreme`` (15) extreme, ≥ ``…_high`` (10) high,
  ≥ ``…_medium`` (5) medium, else low.
* **appetite**: a risk whose *residual* rating is above ``compliance.risk_appetite`` (9) is
  "above appetite".
* **control credit**: each linked control earns a credit from its latest test for the risk's unit
  (``hiqc.compliance.risks.selectors.control_credit``): effective 1, partly effective ½,
  ineffective, not tested or never tested 0 — no credit for a control nobody has shown to work.
  E = the mean credit of the linked controls (0 without controls).
* **residual**: likelihood − round(E × ``compliance.risk_reduction_likelihood`` (2)), impact −
  round(E × ``compliance.risk_reduction_impact`` (1)), each at least 1; round is half up.
  Controls mostly prevent (likelihood) and only partly mitigate (impact), hence 2 and 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hiqc.core import rules
from hiqc.core.rules import rule_value

from .enums import Band

SCALE = range(1, 6)

BAND_MEDIUM = rules.Rule(
    "compliance.risk_band_medium", 5, "points", _("风险等级“中”的最低评分"),
    "HIQC 设计默认值（P）：可能性×影响程度 ≥ 5 为中（标准 9.2.1(3)）", "P",
)  # fmt: skip
BAND_HIGH = rules.Rule(
    "compliance.risk_band_high", 10, "points", _("风险等级“高”的最低评分"),
    "HIQC 设计默认值（P）：可能性×影响程度 ≥ 10 为高（标准 9.2.1(3)）", "P",
)  # fmt: skip
BAND_EXTREME = rules.Rule(
    "compliance.risk_band_extreme", 15, "points", _("风险等级“极高”的最低评分"),
    "HIQC 设计默认值（P）：可能性×影响程度 ≥ 15 为极高（标准 9.2.1(3)）", "P",
)  # fmt: skip
APPETITE = rules.Rule(
    "compliance.risk_appetite", 9, "points", _("风险偏好（剩余风险评分上限）"),
    "HIQC 设计默认值（P）：剩余风险评分超过 9 视为超出风险偏好（标准 9.2.1(3)、9.2.2）", "P",
    "ceiling",
)  # fmt: skip
REDUCTION_LIKELIHOOD = rules.Rule(
    "compliance.risk_reduction_likelihood", 2, "points", _("控制完全有效时可能性最多降低的级数"),
    "HIQC 设计默认值（P）：剩余可能性 = 固有可能性 − round(控制有效度 × 2)（标准 9.2.1(3)）",
    "P", "ceiling",
)  # fmt: skip
REDUCTION_IMPACT = rules.Rule(
    "compliance.risk_reduction_impact", 1, "points", _("控制完全有效时影响程度最多降低的级数"),
    "HIQC 设计默认值（P）：剩余影响程度 = 固有影响程度 − round(控制有效度 × 1)（标准 9.2.1(3)）",
    "P", "ceiling",
)  # fmt: skip
TREATMENT_DAYS = rules.Rule(
    "compliance.risk_treatment_days", 90, "days", _("风险应对计划完成时限"),
    "HIQC 设计默认值（P）：内部目标，应对计划自开启起 90 日内完成（标准 9.2.2）", "P", "ceiling",
)  # fmt: skip
RISK_RULES = (BAND_MEDIUM, BAND_HIGH, BAND_EXTREME, APPETITE, REDUCTION_LIKELIHOOD,
              REDUCTION_IMPACT, TREATMENT_DAYS)  # fmt: skip


def register() -> None:
    rules.register_rules(*RISK_RULES)


@dataclass(frozen=True)
class Bands:
    medium: int
    high: int
    extreme: int

    def of(self, rating: int) -> str:
        if rating >= self.extreme:
            return Band.EXTREME
        if rating >= self.high:
            return Band.HIGH
        if rating >= self.medium:
            return Band.MEDIUM
        return Band.LOW


def bands() -> Bands:
    return Bands(int(rule_value(BAND_MEDIUM.key)), int(rule_value(BAND_HIGH.key)),
                 int(rule_value(BAND_EXTREME.key)))  # fmt: skip


def appetite() -> int:
    return int(rule_value(APPETITE.key))


def half_up(x: float) -> int:
    return math.floor(x + 0.5)


def control_effectiveness(credits: Iterable[float]) -> float:
    """E: the mean credit of the linked controls, 0 without any."""
    values = list(credits)
    return sum(values) / len(values) if values else 0.0


def residual(likelihood: int, impact: int, effectiveness: float, *,
             steps_likelihood: int | None = None, steps_impact: int | None = None
             ) -> tuple[int, int]:  # fmt: skip
    """(residual likelihood, residual impact) from the inherent ones and E (module docstring)."""
    if steps_likelihood is None:
        steps_likelihood = int(rule_value(REDUCTION_LIKELIHOOD.key))
    if steps_impact is None:
        steps_impact = int(rule_value(REDUCTION_IMPACT.key))
    e = min(max(effectiveness, 0.0), 1.0)
    return (max(1, likelihood - half_up(e * steps_likelihood)),
            max(1, impact - half_up(e * steps_impact)))  # fmt: skip
