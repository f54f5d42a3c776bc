"""The risk register's records (standard 9.2; issue 20 §4, §5; ADR 0028).

``Risk`` is a register entry of one org unit (its scope): cause, event, consequence, owner, the
inherent likelihood × impact and the residual one derived from its linked controls (``scale``),
the qualitative assessment beside the quantitative one (9.2.1(3)) and a review status raised by a
KRI breach or a failed linked control. ``RiskRating`` is the history of every rating change,
``RiskControl`` a link to a ``Control``, ``KeyRiskIndicator`` an engine indicator with the risk's
thresholds, ``RiskTreatment`` a treatment plan (a case kind on the engine)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel, CaseModel

from ..models import Control
from .enums import KriDirection, KriStatus, RatingKind, ReviewStatus, RiskCategory, TreatmentStatus


class Risk(BaseModel):
    number = models.CharField(_("编号"), max_length=30, unique=True)
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    category = models.CharField(_("风险类别"), max_length=20, choices=RiskCategory.choices)
    title = models.CharField(_("风险名称"), max_length=200)
    cause = models.TextField(_("风险成因"))
    event = models.TextField(_("风险事件"))
    consequence = models.TextField(_("后果"))
    owner_role = models.CharField(_("责任角色"), max_length=40)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任人"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    inherent_likelihood = models.PositiveSmallIntegerField(_("固有可能性"))
    inherent_impact = models.PositiveSmallIntegerField(_("固有影响程度"))
    residual_likelihood = models.PositiveSmallIntegerField(_("剩余可能性"))
    residual_impact = models.PositiveSmallIntegerField(_("剩余影响程度"))
    control_effectiveness = models.FloatField(_("控制有效度"), default=0.0)
    qualitative = models.TextField(_("定性评估"), blank=True)
    review_status = models.CharField(_("评估状态"), max_length=20, choices=ReviewStatus.choices,
                                     default=ReviewStatus.CURRENT)  # fmt: skip
    review_reason = models.CharField(_("需重新评估的原因"), max_length=300, blank=True)
    review_raised_at = models.DateTimeField(_("提示重新评估时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("最近评估时间"), null=True, blank=True)
    controls: models.ManyToManyField[Control, RiskControl] = models.ManyToManyField(
        Control, through="RiskControl", related_name="risks", verbose_name=_("控制措施")
    )

    scope_path: ClassVar[str | None] = "org_unit__path"

    class Meta(BaseModel.Meta):
        ordering = ("number",)
        verbose_name = _("风险")
        verbose_name_plural = _("风险登记簿")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def inherent_rating(self) -> int:
        return self.inherent_likelihood * self.inherent_impact

    @property
    def residual_rating(self) -> int:
        return self.residual_likelihood * self.residual_impact


class RiskControl(BaseModel):
    risk = models.ForeignKey(Risk, verbose_name=_("风险"), on_delete=models.CASCADE,
                             related_name="control_links")  # fmt: skip
    control = models.ForeignKey(Control, verbose_name=_("控制措施"), on_delete=models.PROTECT,
                                related_name="risk_links")  # fmt: skip

    scope_path: ClassVar[str | None] = "risk__org_unit__path"

    class Meta:
        verbose_name = _("风险与控制")
        verbose_name_plural = _("风险与控制")
        constraints = [models.UniqueConstraint(fields=["risk", "control"],
                                               name="compliance_risk_control_unique")]  # fmt: skip


class RiskRating(BaseModel):
    """One line of a risk's rating history: who changed what, when and why."""

    risk = models.ForeignKey(Risk, verbose_name=_("风险"), on_delete=models.CASCADE,
                             related_name="ratings")  # fmt: skip
    kind = models.CharField(_("类型"), max_length=12, choices=RatingKind.choices)
    at = models.DateTimeField(_("时间"))
    rated_by = models.CharField(_("评估人"), max_length=150)
    reason = models.TextField(_("原因"))
    inherent_likelihood = models.PositiveSmallIntegerField(_("固有可能性"))
    inherent_impact = models.PositiveSmallIntegerField(_("固有影响程度"))
    residual_likelihood = models.PositiveSmallIntegerField(_("剩余可能性"))
    residual_impact = models.PositiveSmallIntegerField(_("剩余影响程度"))
    control_effectiveness = models.FloatField(_("控制有效度"))

    scope_path: ClassVar[str | None] = "risk__org_unit__path"

    class Meta:
        ordering = ("-at",)
        verbose_name = _("风险评估记录")
        verbose_name_plural = _("风险评估记录")


class KeyRiskIndicator(BaseModel):
    """An engine indicator (``hiqc.core.indicators``) watched for one risk, read for the risk's
    unit subtree with the risk's own warning and limit (9.2.1(3), issue 20 §5)."""

    risk = models.ForeignKey(Risk, verbose_name=_("风险"), on_delete=models.CASCADE,
                             related_name="kris")  # fmt: skip
    indicator = models.CharField(_("指标代码"), max_length=80)
    direction = models.CharField(_("方向"), max_length=20, choices=KriDirection.choices)
    warning = models.FloatField(_("预警值"))
    limit = models.FloatField(_("限额"))
    # the latest reading against the thresholds: a register attribute, not a workflow status
    state = models.CharField(_("状态"), max_length=10, choices=KriStatus.choices,
                             default=KriStatus.NO_DATA)  # fmt: skip
    last_value = models.FloatField(_("最新值"), null=True, blank=True)
    last_period = models.DateField(_("最新期间"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("评估时间"), null=True, blank=True)
    # the period whose breach raised the risk for review (a rerun raises nothing again)
    raised_period = models.DateField(_("已提示期间"), null=True, blank=True)
    created_by = models.CharField(_("设置人"), max_length=150)

    scope_path: ClassVar[str | None] = "risk__org_unit__path"

    class Meta(BaseModel.Meta):
        ordering = ("indicator",)
        verbose_name = _("关键风险指标")
        verbose_name_plural = _("关键风险指标")
        constraints = [models.UniqueConstraint(fields=["risk", "indicator"],
                                               name="compliance_kri_unique")]  # fmt: skip


class RiskTreatment(CaseModel):
    """A treatment plan (9.2.2): actions with owners and due dates, an internal clock."""

    number = models.CharField(_("编号"), max_length=30, unique=True)
    risk = models.ForeignKey(Risk, verbose_name=_("风险"), on_delete=models.PROTECT,
                             related_name="treatments")  # fmt: skip
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    status = models.CharField(_("状态"), max_length=20, choices=TreatmentStatus.choices)
    title = models.CharField(_("计划名称"), max_length=200)
    opened_at = models.DateTimeField(_("开启时间"))
    opened_by = models.CharField(_("开启人"), max_length=150)
    plan = models.TextField(_("应对方案"), blank=True)
    # [{"title", "owner", "due" (YYYY-MM-DD), "done_at" (ISO or "")}]
    actions = models.JSONField(_("应对措施"), default=list, blank=True)
    outcome = models.TextField(_("结论"), blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        ordering = ("-opened_at",)
        verbose_name = _("风险应对计划")
        verbose_name_plural = _("风险应对计划")

    def __str__(self) -> str:
        return self.number
