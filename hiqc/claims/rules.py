"""The claims domain's settings (DESIGN rule 9), registered at start-up."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hiqc.core.rules import Rule, register_rules

SMALL_CLAIM = Rule(
    "claims.small_claim_yuan",
    3000,
    "yuan",
    _("小额快赔金额上限"),
    "小额理赔服务承诺：3,000 元以下 24 小时结案 (CL-11, C)",
    "C",
)


# CL-9: files are kept at least 5 / 10 years after the contract ends (may only be raised)
RETENTION_SHORT = Rule(
    "claims.retention_years_short",
    5,
    "years",
    _("理赔档案保存期限（保险期间一年及以下）"),
    "《保险法》第87条：自保险合同终止之日起计算，保险期间在一年以下的不得少于五年 (CL-9)",
    "A",
    "floor",
)
RETENTION_LONG = Rule(
    "claims.retention_years_long",
    10,
    "years",
    _("理赔档案保存期限（保险期间超过一年）"),
    "《保险法》第87条：自保险合同终止之日起计算，保险期间超过一年的不得少于十年 (CL-9)",
    "A",
    "floor",
)


def retention_years(term_years: int) -> int:
    """How long a closed claim's file is kept (CL-9), by the product's term."""
    from hiqc.core.rules import rule_value

    rule = RETENTION_LONG if term_years > 1 else RETENTION_SHORT
    return int(rule_value(rule.key))


def register() -> None:
    register_rules(SMALL_CLAIM, RETENTION_SHORT, RETENTION_LONG)
