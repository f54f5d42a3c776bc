"""Choices of the quality app (standard 10.2, 2.3.1; issue 7 §4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NCStatus(models.TextChoices):
    OPEN = "open", _("已登记")
    ANALYSING = "analysing", _("原因分析中")
    CORRECTING = "correcting", _("整改中")
    CLOSED = "closed", _("已关闭")
    CANCELLED = "cancelled", _("已撤销")


class NCSource(models.TextChoices):
    INDICATOR_BREACH = "indicator_breach", _("指标未达目标")
    CONTROL_SIGNAL = "control_signal", _("控制图判异")
    ONSITE = "onsite", _("现场检查")
    REMOTE = "remote", _("远程监测")
    CUSTOMER_FEEDBACK = "customer_feedback", _("客户反馈")
    AUDIT = "audit", _("审计发现")
    COMPLAINT_ROOT_CAUSE = "complaint_root_cause", _("投诉根因")
    FINDING = "finding", _("合规事项")


MANUAL_SOURCES = [c for c in NCSource.choices
                  if c[0] not in (NCSource.INDICATOR_BREACH, NCSource.CONTROL_SIGNAL)]  # fmt: skip


class PlanStatus(models.TextChoices):
    PLAN = "plan", _("计划（P）")
    DO = "do", _("实施（D）")
    CHECK = "check", _("检查（C）")
    CLOSED = "closed", _("已处置（A）")
    CANCELLED = "cancelled", _("已撤销")


class ActOutcome(models.TextChoices):
    STANDARDISE = "standardise", _("标准化（固化为流程、培训或产品调整）")
    NEW_CYCLE = "new_cycle", _("未达预期，开始新一轮改进")
