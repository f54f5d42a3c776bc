"""Choices of the survey app (standard 4.3, 5.3.2(2))."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Frame(models.TextChoices):
    """Where the respondents come from: real records, never a hand-typed list (4.3.1)."""

    CLAIMS_PAID = "claims_paid", _("已赔付的理赔案件")
    CLAIMS_REFUSED = "claims_refused", _("拒赔的理赔案件")
    COMPLAINTS_DECIDED = "complaints_decided", _("已作出处理决定的投诉")
    CONSULTATIONS_CLOSED = "consultations_closed", _("已办结的咨询")
    SEGMENT = "segment", _("客户群（按机构、险种）")


class Method(models.TextChoices):
    ONLINE = "online", _("在线问卷（短信/邮件链接）")
    PHONE = "phone", _("电话访问")
    MYSTERY = "mystery", _("神秘客户")


class Frequency(models.TextChoices):
    CONTINUOUS = "continuous", _("持续（案件事件触发）")
    ONCE = "once", _("一次性")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("执行中")
    CLOSED = "closed", _("已结束")


class Stratify(models.TextChoices):
    NONE = "", _("不分层")
    ORG_UNIT = "org_unit", _("按机构")
    CHANNEL = "channel", _("按渠道")
    PRODUCT = "product", _("按产品")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    SCALE = "scale", _("满意度（1–5 分）")
    NPS = "nps", _("推荐意愿（0–10 分）")
    TEXT = "text", _("文字回答")
    MATRIX = "matrix", _("矩阵（多项 1–5 分）")


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class InvitationStatus(models.TextChoices):
    SENT = "sent", _("已发送")
    STARTED = "started", _("已开始作答")
    ANSWERED = "answered", _("已完成")
    EXPIRED = "expired", _("已过期")
    OPTED_OUT = "opted_out", _("已退订")
    FAILED = "failed", _("发送失败")


class Delivery(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    PHONE = "phone", _("电话访问")


class ResponseMode(models.TextChoices):
    ONLINE = "online", _("在线填写")
    PHONE = "phone", _("电话访问录入")
