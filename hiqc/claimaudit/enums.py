"""Audit-round choices and the error types of a re-adjudication (standard 5.1.2(3), 5.3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    SIMPLE = "simple", _("简单随机抽样")
    STRATIFIED = "stratified", _("按金额分层抽样")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    COMPLETED = "completed", _("已完成")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("待复核")  # the reviewer has not yet given their own decision
    COMPARED = "compared", _("待判定差错")  # own decision given; the original is now shown
    DONE = "done", _("已完成")  # error types recorded


class ErrorType(models.TextChoices):
    WRONG_REFUSAL = "wrong_refusal", _("错误拒赔")
    MISSED_PAYMENT = "missed_payment", _("漏赔")
    OVER_PAYMENT = "over_payment", _("超赔")
    WRONG_AMOUNT = "wrong_amount", _("金额错误")
    PROCEDURE = "procedure", _("程序错误")


CONFIDENCE_LEVELS = (90, 95, 99)
