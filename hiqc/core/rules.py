"""Every number that comes from a rule is a setting with a source (DESIGN rule 9).

Each ``Rule`` has a default, its citation (see ../shared/domain/regulations.md) and which way
configuration may move it: a legal floor can only be raised, a legal ceiling only lowered. A rule
with ``choices`` takes one of them instead of a number. Overrides are rows of ``RuleOverride``;
``rule_value(key)`` is the one reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _

Bound = Literal["floor", "ceiling", "free"]


@dataclass(frozen=True)
class Rule:
    key: str
    default: int | str
    unit: str
    label: Any  # lazily translated
    source: str
    confidence: str  # A / B / C / P as in regulations.md
    bound: Bound = "free"  # floor: may only be raised; ceiling: may only be lowered
    choices: tuple[tuple[str, Any], ...] = ()  # (value, label) for a rule that is not a number

    def parse(self, raw: object) -> int | str:
        """The typed value of ``raw`` (a form or database string); ValueError if it is not one."""
        if self.choices:
            if str(raw) not in {c for c, _label in self.choices}:
                raise ValueError(str(_("请选择列出的选项之一。")))
            return str(raw)
        try:
            return int(str(raw).strip())
        except ValueError:
            raise ValueError(str(_("请输入整数。"))) from None

    def check(self, value: int | str) -> str | None:
        if self.choices or not isinstance(value, int):
            return None
        if value < 1:
            return str(_("取值必须是正整数。"))
        assert isinstance(self.default, int)
        if self.bound == "floor" and value < self.default:
            return str(_("不得低于下限 {default}（{source}）。")).format(
                default=self.default, source=self.source
            )
        if self.bound == "ceiling" and value > self.default:
            return str(_("不得超过上限 {default}（{source}）。")).format(
                default=self.default, source=self.source
            )
        return None

    def display(self, value: int | str) -> str:
        return str(dict(self.choices).get(str(value), value))


UNIT_LABELS = {
    "days": _("天"),
    "minutes": _("分钟"),
    "attempts": _("次"),
    "seconds": _("秒"),
    "percent": "%",
    "years": _("年"),
    "hours": _("小时"),
    "working_days": _("个工作日"),
    "yuan": _("元"),
    "choice": "",
    "count": _("个"),
    "months": _("个月"),
    "points": _("分"),
}

ROLLOVER_NON_WORKING_DAY = "non_working_day"
ROLLOVER_PUBLIC_HOLIDAY_ONLY = "public_holiday_only"

RULES: dict[str, Rule] = {
    r.key: r
    for r in (
        Rule("audit.retention_days", 184, "days", _("审计日志最短保存期"),
             "《网络安全法》第21条；GB/T 22239 (PI-8)", "A", "floor"),
        Rule("auth.lockout_threshold", 5, "attempts", _("连续登录失败锁定次数"),
             "HIQC 设计默认值（P）；标准 6.2.3", "P", "ceiling"),
        Rule("auth.lockout_minutes", 15, "minutes", _("登录锁定时长"),
             "HIQC 设计默认值（P）", "P", "floor"),
        Rule("auth.session_idle_minutes", 30, "minutes", _("会话空闲超时"),
             "HIQC 设计默认值（P）", "P", "ceiling"),
        Rule("auth.token_max_days", 365, "days", _("API 令牌最长有效期"),
             "HIQC 设计默认值（P）", "P", "ceiling"),
        Rule("calendar.rollover", ROLLOVER_NON_WORKING_DAY, "choice",
             _("期限末日顺延规则（以日计算的期间）"),
             "《民法典》第203条：期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日",
             "A",
             choices=(
                 (ROLLOVER_NON_WORKING_DAY, _("末日为任何非工作日（法定节假日或周末）时顺延")),
                 (ROLLOVER_PUBLIC_HOLIDAY_ONLY, _("仅末日为法定节假日时顺延")),
             )),
    )
}  # fmt: skip


def register_rules(*rules: Rule) -> None:
    """A domain declares its rules at start-up (AppConfig.ready); a key declared twice with a
    different definition fails loudly."""
    for rule in rules:
        if RULES.get(rule.key, rule) != rule:
            raise ValueError(f"rule {rule.key!r} declared twice with different definitions")
        RULES[rule.key] = rule


def rule_value(key: str) -> Any:
    # local, not for a cycle (models import nothing from here): the declarations above stay
    # importable without the app registry, as hiqc.core.calendar is
    from .models import RuleOverride

    rule = RULES[key]
    override = RuleOverride.objects.filter(key=key).values_list("value", flat=True).first()
    return rule.default if override is None else rule.parse(override)
