"""Claim states, channels and decision codes (standard ch. 5; CL-1…CL-11)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    REVIEW = "review", _("资料审核中")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("待补充资料")
    ADJUDICATION = "adjudication", _("核定中")
    DECIDED = "decided", _("已核定")
    PAYING = "paying", _("待支付")
    PAID = "paid", _("已支付")
    CLOSED = "closed", _("已结案")
    WITHDRAWN = "withdrawn", _("已撤回")


class ClaimChannel(models.TextChoices):
    ONLINE = "online", _("线上（网页）")
    APP = "app", _("移动应用")
    COUNTER = "counter", _("柜面")
    AGENT = "agent", _("代理人代办")
    CORE_SYSTEM = "core_system", _("核心系统")


class Outcome(models.TextChoices):
    APPROVE = "approve", _("全额赔付")
    PARTIAL = "partial", _("部分赔付")
    REFUSE = "refuse", _("拒赔")


class ReasonCode(models.TextChoices):
    """Why a claim is paid in part or refused (CL-6: the refusal notice states reasons)."""

    NOT_COVERED = "not_covered", _("不属于保险责任")
    EXCLUSION = "exclusion", _("属于责任免除")
    WAITING_PERIOD = "waiting_period", _("等待期内出险")
    NON_DISCLOSURE = "non_disclosure", _("投保时未如实告知")
    DEDUCTIBLE = "deductible", _("免赔额或赔付比例")
    LIMIT = "limit", _("超出保险金额或限额")
    NON_MEDICAL = "non_medical", _("非医保目录或不合理费用")
    POLICY_LAPSED = "policy_lapsed", _("保单失效期间出险")
    OTHER = "other", _("其他")


class PaymentKind(models.TextChoices):
    BENEFIT = "benefit", _("赔款支付")
    ADVANCE = "advance", _("先予支付")


class PaymentChannel(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("银行转账")
    E_WALLET = "e_wallet", _("电子钱包")
    DIRECT_BILLING = "direct_billing", _("医院直付")
    CHEQUE = "cheque", _("支票")
