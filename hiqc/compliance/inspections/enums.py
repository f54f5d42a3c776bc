"""Compliance inspections' code lists (standard 9.1.2(3)(4); issue 20 §3; ADR 0029)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

FINDING_KIND = "compliance.inspection"  # the kernel Finding kind of a failed checklist item
CHECKLIST_PURPOSE = "compliance.inspection"  # the kernel Checklist purpose
COMPLIANCE_TOPIC = "compliance"  # the people chapter's training topic 合规 (9.1.2(3); ADR 0029)


class InspectionStatus(models.TextChoices):
    """A compliance inspection visit (9.1.2(4)): planned → in progress → reported → closed."""

    PLANNED = "planned", _("待检查")
    IN_PROGRESS = "in_progress", _("检查中")
    REPORTED = "reported", _("已出具报告")
    CLOSED = "closed", _("已关闭")
    CANCELLED = "cancelled", _("已撤销")


class Quarter(models.IntegerChoices):
    YEAR = 0, _("全年")
    Q1 = 1, _("第一季度")
    Q2 = 2, _("第二季度")
    Q3 = 3, _("第三季度")
    Q4 = 4, _("第四季度")
