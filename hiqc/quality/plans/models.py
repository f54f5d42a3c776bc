"""Improvement plans (PDCA; standard 10.2; issue 7 §5) and their actions.

App label ``quality``: ``hiqc.quality.models`` imports this module so that Django finds it."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import CaseModel

from ..enums import ActOutcome, PlanStatus
from ..nonconformities.models import Nonconformity


class ImprovementPlan(CaseModel):
    """A PDCA improvement plan (standard 10.2; issue 7 §5): the need (linked nonconformities, the
    indicator and its baseline period), actions with owners and deadlines, the effect measured on
    the same indicator and unit before vs after, and what was standardised or the next cycle."""

    status = models.CharField(_("状态"), max_length=20, choices=PlanStatus.choices)
    number = models.CharField(_("编号"), max_length=30, unique=True)
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=200)
    need = models.TextField(_("改进需求"))
    indicator_code = models.CharField(_("衡量指标"), max_length=60)
    baseline_start = models.DateField(_("基线期开始"))
    baseline_end = models.DateField(_("基线期结束"))
    after_start = models.DateField(_("效果期开始"), null=True, blank=True)
    after_end = models.DateField(_("效果期结束"), null=True, blank=True)
    nonconformities = models.ManyToManyField(
        Nonconformity, verbose_name=_("关联不符合项"), related_name="plans", blank=True
    )
    previous = models.ForeignKey(
        "self", verbose_name=_("上一轮"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="next_cycles",
    )  # fmt: skip
    act_outcome = models.CharField(_("处置"), max_length=20, choices=ActOutcome.choices, blank=True)
    act_note = models.TextField(_("处置说明（流程版本、培训或产品调整）"), blank=True)
    opened_at = models.DateTimeField(_("制定时间"))
    opened_by = models.CharField(_("制定人"), max_length=150)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        ordering = ("-opened_at",)
        verbose_name = _("改进计划")
        verbose_name_plural = _("改进计划")

    def __str__(self) -> str:
        return self.number


class ImprovementAction(models.Model):
    """One action of a plan (PDCA "Do"): an owner, a deadline, done or not."""

    id = models.BigAutoField(primary_key=True)
    plan = models.ForeignKey(
        ImprovementPlan,
        verbose_name=_("改进计划"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    title = models.CharField(_("措施"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    due_date = models.DateField(_("完成期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.CharField(_("完成情况"), max_length=500, blank=True)

    scope_path: ClassVar[str] = "plan__org_unit__path"

    class Meta:
        ordering = ("due_date", "id")
        verbose_name = _("改进措施")
        verbose_name_plural = _("改进措施")

    def __str__(self) -> str:
        return self.title
