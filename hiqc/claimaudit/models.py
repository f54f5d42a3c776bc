"""Claims accuracy audits (理赔质量抽检; standard 5.1.2(3), 5.3).

* ``AuditRound`` — one audit: an org subtree, a period of decisions, the design (simple random
  or stratified by claimed amount), the wanted margin of error and confidence, the frame size and
  the computed sample size, and the seed, so the sample can be reproduced and explained.
* ``AuditItem`` — one sampled decided claim. The original decision is copied at sampling time
  (what was audited stays fixed even if the claim is reviewed again later) and is shown to the
  reviewer only after they have given their own decision (blind re-adjudication). Then the
  reviewer records the error types; every error becomes a compliance finding.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.claims.enums import Outcome, ReasonCode
from hiqc.core.models import CaseModel

from .enums import ItemStatus, Method, RoundStatus


class AuditRound(CaseModel):
    """A case run by ``workflow.ROUND``; its status is written only by the case engine."""

    name = models.CharField(_("名称"), max_length=100)
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        verbose_name=_("审计范围（含下级机构）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("核定期间开始"))
    period_end = models.DateField(_("核定期间结束"))
    method = models.CharField(_("抽样方法"), max_length=20, choices=Method.choices)
    confidence = models.PositiveSmallIntegerField(_("置信水平（%）"))
    margin = models.DecimalField(_("允许误差"), max_digits=5, decimal_places=4)
    expected_rate = models.DecimalField(
        _("预期差错率"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    bands = models.JSONField(_("金额分层界限（元）"), default=list, blank=True)
    population = models.PositiveIntegerField(_("抽样框（已核定案件数）"))
    sample_size = models.PositiveIntegerField(_("样本量"))
    strata = models.JSONField(_("各层总体与样本"), default=list, blank=True)
    seed = models.BigIntegerField(_("随机种子"))
    status = models.CharField(_("状态"), max_length=20, choices=RoundStatus.choices)
    created_by = models.CharField(_("创建人"), max_length=150)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_path: ClassVar[str | None] = "org_unit__path"

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("理赔抽检轮次")
        verbose_name_plural = _("理赔抽检轮次")

    def __str__(self) -> str:
        return self.name

    @property
    def status_label(self) -> str:
        return str(dict(RoundStatus.choices).get(self.status, self.status))


class AuditItem(CaseModel):
    """A case run by ``workflow.ITEM``; ``assignee`` is the reviewer once they have decided."""

    round = models.ForeignKey(
        AuditRound, verbose_name=_("抽检轮次"), on_delete=models.CASCADE, related_name="items"
    )
    claim = models.ForeignKey(
        "claims.Claim", verbose_name=_("理赔案件"), on_delete=models.PROTECT, related_name="+"
    )
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        verbose_name=_("理赔机构"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    stratum = models.PositiveSmallIntegerField(_("层"), default=0)
    handler_id = models.UUIDField(_("原经办人 ID"), null=True, blank=True)
    handler_name = models.CharField(_("原经办人"), max_length=150, blank=True)
    # the original decision, copied at sampling time; hidden from the reviewer until they decide
    original_outcome = models.CharField(_("原核定结论"), max_length=10, choices=Outcome.choices)
    original_amount = models.DecimalField(_("原核定金额（元）"), max_digits=14, decimal_places=2)
    original_reason = models.CharField(
        _("原理由代码"), max_length=30, choices=ReasonCode.choices, blank=True
    )
    original_decided_at = models.DateTimeField(_("原核定时间"))
    # the blind re-adjudication
    status = models.CharField(_("状态"), max_length=20, choices=ItemStatus.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_outcome = models.CharField(
        _("复核结论"), max_length=10, choices=Outcome.choices, blank=True
    )
    review_amount = models.DecimalField(
        _("复核金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    review_reason = models.CharField(
        _("复核理由代码"), max_length=30, choices=ReasonCode.choices, blank=True
    )
    review_note = models.CharField(_("复核说明"), max_length=500, blank=True)
    readjudicated_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    errors = models.JSONField(_("差错类型"), default=list, blank=True)
    has_error = models.BooleanField(_("有差错"), default=False)
    reviewed_at = models.DateTimeField(_("差错判定时间"), null=True, blank=True, db_index=True)

    scope_path: ClassVar[str | None] = "org_unit__path"

    class Meta:
        ordering = ("round", "stratum", "claim_id")
        verbose_name = _("抽检案件")
        verbose_name_plural = _("抽检案件")
        constraints = [
            models.UniqueConstraint(fields=("round", "claim"), name="claimaudit_item_unique")
        ]
        indexes = [models.Index(fields=["status", "reviewed_at"], name="claimaudit_done_idx")]

    def __str__(self) -> str:
        return f"{self.claim.number}（{self.round.name}）"

    @property
    def status_label(self) -> str:
        return str(dict(ItemStatus.choices).get(self.status, self.status))
