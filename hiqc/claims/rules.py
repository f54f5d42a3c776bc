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


def register() -> None:
    register_rules(SMALL_CLAIM)
