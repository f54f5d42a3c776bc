"""The compliance app's code lists and permissions (standard 9.1; issue 20 §1, §2, §7)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# permissions (declared in the app's manifest)
VIEW = "compliance.view"
MANAGE = "compliance.manage"
ATTEST = "compliance.attest"


class Domain(models.TextChoices):
    """Where an obligation bites (9.1.1: compliance runs through product design, sales, claims)."""

    CLAIMS = "claims", _("理赔")
    COMPLAINTS = "complaints", _("投诉")
    CALLCENTRE = "callcentre", _("呼叫中心与咨询")
    PRIVACY = "privacy", _("个人信息保护与信息安全")
    PRODUCTS = "products", _("产品")
    PEOPLE = "people", _("人员")
    GENERAL = "general", _("综合")


class ControlKind(models.TextChoices):
    AUTOMATIC = "automatic", _("自动（系统数据检测）")
    MANUAL = "manual", _("人工（定期声明与证据）")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    YEARLY = "yearly", _("每年")


class ResultStatus(models.TextChoices):
    EFFECTIVE = "effective", _("有效")
    PARTLY = "partly", _("部分有效")
    INEFFECTIVE = "ineffective", _("无效")
    NOT_TESTED = "not_tested", _("无样本")


class AssessmentStatus(models.TextChoices):
    """The impact assessment of a regulatory change (9.1.2(2), 9.1.3)."""

    OPEN = "open", _("待评估")
    ASSESSING = "assessing", _("评估中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已撤销")
