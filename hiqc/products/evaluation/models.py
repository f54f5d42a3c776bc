"""Adaptability evaluation rounds (standard 3.2; issue 17 §4).

App label ``products``: ``hiqc.products.models`` imports this module so that Django finds it.

* ``EvaluationRound`` — a case (草稿 draft → 评分中 scoring → 已结束 closed) evaluating one or
  several products of a line over a period, organised at an org unit. Closing freezes the
  results (``results``: per product, each criterion's value and score, each dimension's score
  and the overall weighted score) so the history across rounds never moves.
* ``EvaluationCriterion`` — one weighted criterion in one of four dimensions (市场, 客户, 合规,
  风险控制): computed from a product figure through a scoring band (``worst`` → 0, ``best`` →
  100, linear between, so the direction is the band's) or scored by the experts (0–100).
* ``EvaluationExpert`` — a named user who scores the round's expert criteria; ``submitted_at``
  ends their scoring (blind until then, see ``services.scores_visible``).
* ``ExpertScore`` — one expert's score and comment for one criterion and product.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel, CaseModel
from hiqc.policies.enums import ProductLine


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SCORING = "scoring", _("评分中")
    CLOSED = "closed", _("已结束")


class Dimension(models.TextChoices):
    MARKET = "market", _("市场")
    CUSTOMER = "customer", _("客户")
    COMPLIANCE = "compliance", _("合规")
    RISK = "risk", _("风险控制")


class CriterionKind(models.TextChoices):
    COMPUTED = "computed", _("系统计算")
    EXPERT = "expert", _("专家评分")


class EvaluationRound(CaseModel):
    status = models.CharField(_("状态"), max_length=40, db_index=True, choices=RoundStatus.choices)
    title = models.CharField(_("名称"), max_length=120)
    line = models.CharField(_("险种"), max_length=30, choices=ProductLine.choices)
    products = models.ManyToManyField(
        "policies.Product", verbose_name=_("评价产品"), related_name="+"
    )
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", verbose_name=_("组织机构"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    period_start = models.DateField(_("数据期间起"))
    period_end = models.DateField(_("数据期间止"))
    organiser = models.CharField(_("组织人"), max_length=150)
    opened_at = models.DateTimeField(_("开始评分时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    results = models.JSONField(_("评价结果"), default=dict, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        app_label = "products"
        ordering = ("-created_at",)
        verbose_name = _("适应性评价")
        verbose_name_plural = _("适应性评价")

    def __str__(self) -> str:
        return self.title


class EvaluationCriterion(BaseModel):
    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("评价"), on_delete=models.CASCADE,
        related_name="criteria",
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    dimension = models.CharField(_("维度"), max_length=20, choices=Dimension.choices)
    name = models.CharField(_("评价指标"), max_length=120)
    weight = models.PositiveSmallIntegerField(_("权重"))
    kind = models.CharField(_("评分方式"), max_length=10, choices=CriterionKind.choices)
    figure = models.CharField(_("计算数据"), max_length=40, blank=True)
    worst = models.FloatField(_("0 分对应值"), null=True, blank=True)
    best = models.FloatField(_("100 分对应值"), null=True, blank=True)

    scope_path: ClassVar[str] = "round__org_unit__path"

    class Meta:
        app_label = "products"
        ordering = ("round", "position")
        verbose_name = _("评价指标")
        verbose_name_plural = _("评价指标")

    def __str__(self) -> str:
        return self.name


class EvaluationExpert(BaseModel):
    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("评价"), on_delete=models.CASCADE,
        related_name="experts",
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("专家"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "round__org_unit__path"

    class Meta:
        app_label = "products"
        ordering = ("round", "created_at")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="evaluation_expert_unique")
        ]
        verbose_name = _("评价专家")
        verbose_name_plural = _("评价专家")


class ExpertScore(BaseModel):
    expert = models.ForeignKey(
        EvaluationExpert, verbose_name=_("专家"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        EvaluationCriterion, verbose_name=_("评价指标"), on_delete=models.CASCADE,
        related_name="scores",
    )  # fmt: skip
    product = models.ForeignKey(
        "policies.Product", verbose_name=_("产品"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评语"), max_length=500, blank=True)

    scope_path: ClassVar[str] = "expert__round__org_unit__path"

    class Meta:
        app_label = "products"
        ordering = ("criterion", "product")
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "criterion", "product"], name="expert_score_unique"
            )
        ]
        verbose_name = _("专家评分")
        verbose_name_plural = _("专家评分")
