"""The assessment's numbers as rules (DESIGN rule 9; standard 7.2.3, 7.3.1; ADR 0021): the
appeal window, the 360° anonymity floor, the grade thresholds and the pay-linkage band per grade.
Every one is a HIQC design default (P) until head office configures it at 规则参数."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hiqc.core import rules
from hiqc.core.rules import Rule

_P = "HIQC 设计默认值（P）；标准 "
APPEAL_DAYS = Rule("people.assessment.appeal_days", 7, "days", _("考核结果申诉期（自然日）"),
                   _P + "7.2.3 考核结果反馈与申诉", "P")  # fmt: skip
MIN_RATERS = Rule("people.assessment.min_raters", 3, "count",
                  _("360 度评价每组最少提交人数（不足则该组隐藏且不计分）"),
                  _P + "7.2.2；少于 3 人无法保证匿名，只可调高", "P", bound="floor")  # fmt: skip
GRADE_RULES = {
    "A": Rule("people.assessment.grade_a_min", 90, "points", _("考核等级 A（优秀）最低总分"),
              _P + "7.3.1", "P"),
    "B": Rule("people.assessment.grade_b_min", 80, "points", _("考核等级 B（良好）最低总分"),
              _P + "7.3.1", "P"),
    "C": Rule("people.assessment.grade_c_min", 60, "points", _("考核等级 C（合格）最低总分"),
              _P + "7.3.1", "P"),
}  # fmt: skip
# the pay-linkage band: the share of the performance-pay base paid for each grade (7.3.1)
PAY_BAND_RULES = {
    grade: Rule(f"people.assessment.pay_band_{grade.lower()}", default, "percent", label,
                _P + "7.3.1 激励与薪酬挂钩", "P")
    for grade, default, label in (
        ("A", 120, _("绩效薪酬系数：A 级（占绩效工资基数 %）")),
        ("B", 100, _("绩效薪酬系数：B 级（占绩效工资基数 %）")),
        ("C", 80, _("绩效薪酬系数：C 级（占绩效工资基数 %）")),
        ("D", 50, _("绩效薪酬系数：D 级（占绩效工资基数 %）")),
    )
}  # fmt: skip
GRADES = ("A", "B", "C", "D")


def register_rules() -> None:
    rules.register_rules(APPEAL_DAYS, MIN_RATERS, *GRADE_RULES.values(), *PAY_BAND_RULES.values())


def grade_for(total: float | None) -> str:
    """A, B, C or D by the configured thresholds; "" without a total."""
    if total is None:
        return ""
    for grade in ("A", "B", "C"):
        if total >= rules.rule_value(GRADE_RULES[grade].key):
            return grade
    return "D"


def pay_band(grade: str) -> int | None:
    rule = PAY_BAND_RULES.get(grade)
    return None if rule is None else int(rules.rule_value(rule.key))
