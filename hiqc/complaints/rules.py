"""The complaint domain's settings (DESIGN rule 9), registered at start-up."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hiqc.core.rules import Rule, register_rules

REPEAT_WINDOW = Rule(
    "complaints.repeat_window_days",
    90,
    "days",
    _("重复投诉认定期间"),
    "HIQC 设计默认值（P）：同一投诉人在此期间内再次投诉计为重复投诉",
    "P",
)
RETENTION = Rule(
    "complaints.retention_years",
    5,
    "years",
    _("投诉档案保存期限"),
    "HIQC 设计默认值（P），参照保险档案保存期（CL-9，《保险法》第87条）",
    "P",
    "floor",
)


def register() -> None:
    register_rules(REPEAT_WINDOW, RETENTION)
