"""Code lists and permissions of sharing and exchange (standard 6.3; PIPL arts. 13, 21, 23,
28–29, 55–56; PI-1, PI-2, PI-5; issue 21 §7, §8)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    BUSINESS = "business", _("业务合作方")
    REGULATOR = "regulator", _("监管机构")
    INDUSTRY = "industry", _("行业协会平台")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    ACTIVE = "active", _("生效")
    ENDED = "ended", _("终止")


class Method(models.TextChoices):
    """How a column leaves HIQC under an agreement (its masking profile)."""

    KEEP = "keep", _("原值提供")
    MASK = "mask", _("脱敏显示")
    HASH = "hash", _("加盐哈希（按协议）")
    YEAR = "year", _("仅保留年份")
    DROP = "drop", _("不提供")


class Frequency(models.TextChoices):
    ONCE = "once", _("一次性")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    YEARLY = "yearly", _("每年")
    ON_REQUEST = "on_request", _("按需")


class ShareStatus(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    OWNER_APPROVED = "owner_approved", _("数据负责人已批准，待合规审批")
    APPROVED = "approved", _("已批准待导出")
    EXPORTED = "exported", _("已导出待发送")
    SENT = "sent", _("已发送")
    REJECTED = "rejected", _("已驳回")
    CANCELLED = "cancelled", _("已撤销")


class AssessmentTarget(models.TextChoices):
    ACTIVITY = "activity", _("个人信息处理活动")
    AGREEMENT = "agreement", _("数据共享协议")


class Conclusion(models.TextChoices):
    PENDING = "pending", _("评估中")
    ACCEPTABLE = "acceptable", _("风险可接受")
    CONDITIONS = "conditions", _("落实措施后可接受")
    REJECTED = "rejected", _("不可接受")


CONCLUDED = (Conclusion.ACCEPTABLE, Conclusion.CONDITIONS)

# permissions (declared in the app's manifest); reading uses information.view
SHARE_REQUEST = "information.share_request"  # request a share, export, send, record incoming
SHARE_APPROVE = "information.share_approve"  # the data owner's approval (6.3)
SHARE_COMPLIANCE = "information.share_compliance"  # second approval of sensitive data; agreements
