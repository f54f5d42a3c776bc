"""Nonconformities (不符合项; standard 10.2, 2.3.1; issue 7 §4): a case on the engine, opened
automatically from an indicator that misses its target or a control-chart signal (one per
indicator × org unit × period and kind, ``dedupe_key``), or by hand from supervision, audits,
customer feedback, complaint root causes or compliance findings (linked, never copied).

App label ``quality``: ``hiqc.quality.models`` imports this module so that Django finds it."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import CaseModel

from ..enums import NCSource, NCStatus


class Nonconformity(CaseModel):
    status = models.CharField(_("状态"), max_length=20, choices=NCStatus.choices)
    number = models.CharField(_("编号"), max_length=30, unique=True)
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", verbose_name=_("责任机构"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    source = models.CharField(_("来源"), max_length=30, choices=NCSource.choices)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("情况说明"))
    opened_at = models.DateTimeField(_("登记时间"))
    opened_by = models.CharField(_("登记人"), max_length=150)
    # the indicator behind an automatic one: code, period and the figures at the time
    indicator_code = models.CharField(_("指标"), max_length=60, blank=True)
    granularity = models.CharField(_("周期粒度"), max_length=10, blank=True)
    period_start = models.DateTimeField(_("期间"), null=True, blank=True)
    evidence = models.JSONField(_("依据数据"), default=dict, blank=True)
    finding = models.ForeignKey(
        "core.Finding", verbose_name=_("关联合规事项"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    reference = models.CharField(_("关联记录编号"), max_length=60, blank=True)
    dedupe_key = models.CharField(max_length=150, blank=True)
    root_cause = models.TextField(_("原因分析"), blank=True)
    correction = models.TextField(_("整改措施"), blank=True)
    verification = models.TextField(_("验证结果"), blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        ordering = ("-opened_at",)
        verbose_name = _("不符合项")
        verbose_name_plural = _("不符合项")
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], condition=~models.Q(dedupe_key=""),
                                    name="nonconformity_dedupe_unique")
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.number
