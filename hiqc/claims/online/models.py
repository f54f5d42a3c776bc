"""Online claims (standard 5.1.2(1); issue 5 §5): the one-time codes that identify a claimant.

A claimant proves who they are with a policy number, the resident ID number of the policy's
holder or an insured person, and a six-digit code sent to the contact details on file. The row
keeps only a keyed hash of the code and the masked destination: it doubles as the outbox record
of what was handed to the e-mail or SMS gateway. Once verified, the same row anchors the short
signed session (logging out or a new code ends it).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel
from hiqc.core.personaldata import Declared, not_personal


class OnlineCode(BaseModel):
    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        SMS = "sms", _("短信")

    policy = models.ForeignKey(
        "policies.Policy", verbose_name=_("保单"), on_delete=models.CASCADE, related_name="+"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("客户"), on_delete=models.CASCADE, related_name="+"
    )
    code_hash = models.CharField(max_length=64)
    channel = models.CharField(_("发送渠道"), max_length=10, choices=Channel.choices)
    destination = models.CharField(_("发送至（已脱敏）"), max_length=120)
    sent_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("验证码失效时间"))
    attempts = models.PositiveSmallIntegerField(_("验证次数"), default=0)
    verified_at = models.DateTimeField(_("验证通过时间"), null=True, blank=True)
    session_ends_at = models.DateTimeField(_("会话结束时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    scope_path: ClassVar[str | None] = "policy__org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "code_hash": not_personal(_("线上自助查询验证码的散列，不含个人信息")),
    }

    class Meta:
        ordering = ("-sent_at",)
        indexes = [models.Index(fields=["policy", "customer", "sent_at"])]
        verbose_name = _("在线理赔验证码")
        verbose_name_plural = _("在线理赔验证码")

    def __str__(self) -> str:
        return f"{self.channel} {self.destination}"
