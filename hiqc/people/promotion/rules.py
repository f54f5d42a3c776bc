"""The promotion's rule (DESIGN rule 9): registered with the kernel's ``register_rules`` at
start-up, so it shows on the rules page with its source."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hiqc.core import rules
from hiqc.core.rules import Rule

NOTICE_DAYS = Rule(
    "people.promotion_notice_days",
    5,
    "days",
    _("晋升公示期（工作日）"),
    "HIQC 设计默认值（P）：晋升名单公示 5 个工作日（标准 7.3.3(4) 未规定期限）",
    "P",
)


def register_rules() -> None:
    rules.register_rules(NOTICE_DAYS)
