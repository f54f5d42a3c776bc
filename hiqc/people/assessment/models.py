"""Staff assessment and incentives (standard 7.2, 7.3.1, with 5.3.3; issue 18 §4–§5; ADR 0021).

* ``AssessmentCycle`` — one unit's cycle (quarterly, half-yearly or ad hoc) over a period, with
  its scheme: the weights of ability / performance / teamwork / ethics and, per role, the
  performance measures (codes of ``hiqc.core.personmeasures``) with their weights and targets.
  A case run by ``workflow.CYCLE``: draft → published (the scheme is frozen; before the period
  starts, 7.2.1) → computed (results, the appeal window runs) → final.
* ``AssessmentResult`` — one person's result in a cycle: every part with its evidence.
* ``Rating`` — one rater's 360° scores of one person (superior / peer / subordinate); anonymous
  to the person and to the managers, who see only the groups of at least three submitted raters.
* ``Appeal`` — one per result (the person appeals once), decided by someone else.
* ``Incentive`` — an honour or reward recorded against a final result (7.3.1).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel, CaseModel


class CycleKind(models.TextChoices):
    QUARTERLY = "quarterly", _("季度考核")
    HALF_YEARLY = "half_yearly", _("半年度考核")
    AD_HOC = "ad_hoc", _("专项考核")


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("方案草稿")
    PUBLISHED = "published", _("方案已公布")
    COMPUTED = "computed", _("结果已计算（申诉期）")
    FINAL = "final", _("结果已确定")


class RaterGroup(models.TextChoices):
    SUPERIOR = "superior", _("上级")
    PEER = "peer", _("同事")
    SUBORDINATE = "subordinate", _("下属")


class AppealDecision(models.TextChoices):
    UPHELD = "upheld", _("申诉成立（调整结果）")
    DISMISSED = "dismissed", _("申诉不成立（维持结果）")


class IncentiveKind(models.TextChoices):
    HONOUR = "honour", _("荣誉")
    REWARD = "reward", _("奖励")


class AssessmentCycle(CaseModel):
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("考核机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    title = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("考核类型"), max_length=20, choices=CycleKind.choices)
    period_start = models.DateField(_("考核期起"))
    period_end = models.DateField(_("考核期止"))  # inclusive, Beijing days
    w_ability = models.PositiveSmallIntegerField(_("能力权重（%）"))
    w_performance = models.PositiveSmallIntegerField(_("业绩权重（%）"))
    w_teamwork = models.PositiveSmallIntegerField(_("团队协作权重（%）"))
    w_ethics = models.PositiveSmallIntegerField(_("职业道德权重（%）"))
    # {role: [{"code": measure code, "weight": int, "target": number}, …]}
    measures = models.JSONField(_("业绩指标方案"), default=dict)
    created_by = models.CharField(_("制定人"), max_length=150)
    published_at = models.DateTimeField(_("方案公布时间"), null=True, blank=True)
    published_by = models.CharField(_("方案公布人"), max_length=150, blank=True)
    computed_at = models.DateTimeField(_("结果计算时间"), null=True, blank=True)
    computed_by = models.CharField(_("结果计算人"), max_length=150, blank=True)
    appeal_until = models.DateTimeField(_("申诉截止"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("结果确定时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("-period_start", "title")
        verbose_name = _("考核周期")
        verbose_name_plural = _("考核周期")
        constraints = [models.UniqueConstraint(fields=["org_unit", "title"],
                                               name="people_cycle_unique")]  # fmt: skip

    def __str__(self) -> str:
        return self.title

    @property
    def status_label(self) -> str:
        return str(dict(CycleStatus.choices).get(self.status, self.status))

    def weights(self) -> dict[str, int]:
        return {"ability": self.w_ability, "performance": self.w_performance,
                "teamwork": self.w_teamwork, "ethics": self.w_ethics}  # fmt: skip


class AssessmentResult(BaseModel):
    cycle = models.ForeignKey(AssessmentCycle, verbose_name=_("考核周期"),
                              on_delete=models.CASCADE, related_name="results")  # fmt: skip
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("被考核人"),
                             on_delete=models.PROTECT, related_name="+")  # fmt: skip
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("所属机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    role = models.CharField(_("岗位角色"), max_length=40)
    ability = models.DecimalField(_("能力得分"), max_digits=5, decimal_places=1, null=True,
                                  blank=True)  # fmt: skip
    ability_evidence = models.JSONField(_("能力依据（考试记录）"), default=list, blank=True)
    performance = models.DecimalField(_("业绩得分"), max_digits=5, decimal_places=1, null=True,
                                      blank=True)  # fmt: skip
    # [{code, value, numerator, denominator, target, weight, score, evidence: [ids]}, …]
    measures = models.JSONField(_("业绩指标明细"), default=list, blank=True)
    teamwork = models.DecimalField(_("团队协作得分"), max_digits=5, decimal_places=1, null=True,
                                   blank=True)  # fmt: skip
    ethics = models.DecimalField(_("职业道德得分"), max_digits=5, decimal_places=1, null=True,
                                 blank=True)  # fmt: skip
    # {group: {"raters": n, "shown": bool, "teamwork": mean|None, "ethics": mean|None}}
    groups = models.JSONField(_("360 评价分组"), default=dict, blank=True)
    computed_total = models.DecimalField(_("计算总分"), max_digits=5, decimal_places=1, null=True,
                                         blank=True)  # fmt: skip
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=2, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("cycle", "-total")
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        constraints = [models.UniqueConstraint(fields=["cycle", "user"],
                                               name="people_result_unique")]  # fmt: skip

    @property
    def role_label(self) -> str:
        from hiqc.organisations.enums import Role

        return str(dict(Role.choices).get(self.role, self.role))


class Rating(BaseModel):
    cycle = models.ForeignKey(AssessmentCycle, verbose_name=_("考核周期"),
                              on_delete=models.CASCADE, related_name="ratings")  # fmt: skip
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("被评价人"),
                                on_delete=models.PROTECT, related_name="+")  # fmt: skip
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评价人"),
                              on_delete=models.PROTECT, related_name="+")  # fmt: skip
    group = models.CharField(_("评价关系"), max_length=20, choices=RaterGroup.choices)
    teamwork = models.PositiveSmallIntegerField(_("团队协作（0–100）"), null=True, blank=True)
    ethics = models.PositiveSmallIntegerField(_("职业道德（0–100）"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "cycle__org_unit__path"

    class Meta:
        ordering = ("cycle", "group", "created_at")
        verbose_name = _("360 度评价")
        verbose_name_plural = _("360 度评价")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "subject", "rater"],
                                    name="people_rating_unique"),
            models.CheckConstraint(condition=~models.Q(subject=models.F("rater")),
                                   name="people_rating_not_self"),
        ]  # fmt: skip


class Appeal(BaseModel):
    result = models.OneToOneField(AssessmentResult, verbose_name=_("考核结果"),
                                  on_delete=models.CASCADE, related_name="appeal")  # fmt: skip
    reason = models.TextField(_("申诉理由"), max_length=2000)
    filed_at = models.DateTimeField(_("申诉时间"))
    decision = models.CharField(_("处理结论"), max_length=20, blank=True,
                                choices=AppealDecision.choices)  # fmt: skip
    decision_note = models.TextField(_("处理说明"), blank=True, max_length=2000)
    revised_total = models.DecimalField(_("调整后总分"), max_digits=5, decimal_places=1,
                                        null=True, blank=True)  # fmt: skip
    decided_by = models.CharField(_("处理人"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "result__org_unit__path"

    class Meta:
        ordering = ("-filed_at",)
        verbose_name = _("考核申诉")
        verbose_name_plural = _("考核申诉")


class Incentive(BaseModel):
    result = models.ForeignKey(AssessmentResult, verbose_name=_("考核结果"),
                               on_delete=models.PROTECT, related_name="incentives")  # fmt: skip
    kind = models.CharField(_("类别"), max_length=10, choices=IncentiveKind.choices)
    title = models.CharField(_("名称"), max_length=120)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, null=True,
                                 blank=True)  # fmt: skip
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = models.CharField(_("登记人"), max_length=150)

    scope_path: ClassVar[str] = "result__org_unit__path"

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("荣誉与奖励")
        verbose_name_plural = _("荣誉与奖励")
        constraints = [models.UniqueConstraint(fields=["result", "kind", "title"],
                                               name="people_incentive_unique")]  # fmt: skip
