"""Information management and confidentiality (standard chapter 6; issue 21 §4, §5; ADR 0026).

Access governance (6.2.1(4), 6.2.3(3)(4)):

* ``RecertificationRound`` — one per Beijing quarter (``quarter`` unique: "2026Q4").
* ``AccessRecertification`` — a case on the engine, one per org unit with members per round:
  the unit's manager confirms or revokes each ``RecertificationLine`` (a snapshot of one
  membership: person, role, unit — kept after a revoked membership is gone).

Security responsibilities and evaluation (6.2.1(1)(4), 6.2.3(1)):

* ``SecurityRoleHolder`` — a named holder of a security role over a unit, with start and end.
* ``SecurityEvaluation`` — the yearly self-evaluation of a unit on a kernel ``Checklist``
  (purpose ``information.security``) with its ``EvaluationMark``s; each failed item opens a
  ``Remediation`` case with a clock.

Sharing and exchange and the impact assessments (issue 21 §7, §8; ADR 0030) are defined in
``sharing/models.py`` and imported below.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel, CaseModel

from .enums import LineDecision, RecertificationStatus, RemediationStatus, SecurityRole


class RecertificationRound(BaseModel):
    quarter = models.CharField(_("季度"), max_length=7, unique=True)  # "2026Q4"
    starts_on = models.DateField(_("季度首日"))
    ends_on = models.DateField(_("季度末日"))
    opened_at = models.DateTimeField(_("发起时间"))

    unscoped: ClassVar[str | None] = (
        "the insurer's quarter, one for every unit; its cases are scoped"
    )

    class Meta:
        ordering = ("-quarter",)
        verbose_name = _("权限复核轮次")
        verbose_name_plural = _("权限复核轮次")

    def __str__(self) -> str:
        return self.quarter


class AccessRecertification(CaseModel):
    status = models.CharField(_("状态"), max_length=20, choices=RecertificationStatus.choices)
    round = models.ForeignKey(RecertificationRound, verbose_name=_("轮次"),
                              on_delete=models.PROTECT, related_name="cases")  # fmt: skip
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    opened_at = models.DateTimeField(_("发起时间"))
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    closed_by = models.CharField(_("提交人"), max_length=150, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        ordering = ("-opened_at",)
        verbose_name = _("权限复核")
        verbose_name_plural = _("权限复核")
        constraints = [models.UniqueConstraint(fields=["round", "org_unit"],
                                               name="information_recert_unique")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.round.quarter} {self.org_unit.name}"


class RecertificationLine(BaseModel):
    """One membership as it stood when the round opened; the decision on it."""

    case = models.ForeignKey(AccessRecertification, verbose_name=_("权限复核"),
                             on_delete=models.CASCADE, related_name="lines")  # fmt: skip
    membership = models.ForeignKey("organisations.Membership", verbose_name=_("角色授权"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")  # fmt: skip
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("人员"),
                             on_delete=models.PROTECT, related_name="+")  # fmt: skip
    role = models.CharField(_("角色"), max_length=40)
    decision = models.CharField(_("复核结论"), max_length=20, choices=LineDecision.choices,
                                default=LineDecision.PENDING)  # fmt: skip
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    decided_by = models.CharField(_("复核人"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "case__org_unit__path"

    class Meta:
        ordering = ("case", "user__username", "role")
        verbose_name = _("复核明细")
        verbose_name_plural = _("复核明细")


class SecurityRoleHolder(BaseModel):
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    role = models.CharField(_("安全职责"), max_length=30, choices=SecurityRole.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任人"),
                             on_delete=models.PROTECT, related_name="+")  # fmt: skip
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("终止日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("org_unit__path", "role", "-starts_on")
        verbose_name = _("安全职责人")
        verbose_name_plural = _("安全职责人")


class SecurityEvaluation(BaseModel):
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    year = models.PositiveSmallIntegerField(_("年度"))
    checklist = models.ForeignKey("core.Checklist", verbose_name=_("检查清单版本"),
                                  on_delete=models.PROTECT, related_name="+")  # fmt: skip
    performed_at = models.DateTimeField(_("评估时间"))
    performed_by = models.CharField(_("评估人"), max_length=150)
    score = models.PositiveIntegerField(_("得分"))
    max_score = models.PositiveIntegerField(_("满分"))
    percent = models.DecimalField(_("得分率"), max_digits=4, decimal_places=1)
    passed = models.BooleanField(_("合格"))
    notes = models.TextField(_("评估说明"), blank=True, max_length=4000)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("-year", "org_unit__path")
        verbose_name = _("信息安全自评估")
        verbose_name_plural = _("信息安全自评估")
        constraints = [models.UniqueConstraint(fields=["org_unit", "year"],
                                               name="information_evaluation_unique")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.year} {self.org_unit.name}"


class EvaluationMark(BaseModel):
    evaluation = models.ForeignKey(SecurityEvaluation, verbose_name=_("自评估"),
                                   on_delete=models.CASCADE, related_name="marks")  # fmt: skip
    item = models.ForeignKey("core.ChecklistItem", verbose_name=_("检查项"),
                             on_delete=models.PROTECT, related_name="+")  # fmt: skip
    mark = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)  # None: 不适用
    note = models.CharField(_("说明"), max_length=500, blank=True)

    scope_path: ClassVar[str] = "evaluation__org_unit__path"

    class Meta:
        ordering = ("evaluation", "item__position")
        verbose_name = _("自评估评分")
        verbose_name_plural = _("自评估评分")
        constraints = [models.UniqueConstraint(fields=["evaluation", "item"],
                                               name="information_mark_unique")]  # fmt: skip


class Remediation(CaseModel):
    status = models.CharField(_("状态"), max_length=20, choices=RemediationStatus.choices)
    number = models.CharField(_("编号"), max_length=30, unique=True)
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    evaluation = models.ForeignKey(SecurityEvaluation, verbose_name=_("自评估"),
                                   on_delete=models.PROTECT, related_name="remediations")  # fmt: skip
    item = models.ForeignKey("core.ChecklistItem", verbose_name=_("检查项"),
                             on_delete=models.PROTECT, related_name="+")  # fmt: skip
    title = models.CharField(_("整改事项"), max_length=300)
    finding = models.CharField(_("评估发现"), max_length=500, blank=True)
    opened_at = models.DateTimeField(_("发现时间"))
    correction = models.TextField(_("整改措施"), blank=True)
    verification = models.TextField(_("验证结果"), blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        ordering = ("-opened_at",)
        verbose_name = _("信息安全整改")
        verbose_name_plural = _("信息安全整改")
        constraints = [models.UniqueConstraint(fields=["evaluation", "item"],
                                               name="information_remediation_unique")]  # fmt: skip

    def __str__(self) -> str:
        return self.number


from .sharing.models import (  # noqa: E402  (issue 21 §7, §8: sharing and impact assessments)
    DataShare,
    ImpactAssessment,
    IncomingExchange,
    Partner,
    ShareConsent,
    ShareRecord,
    SharingAgreement,
)

__all__ = [
    "AccessRecertification",
    "DataShare",
    "EvaluationMark",
    "ImpactAssessment",
    "IncomingExchange",
    "Partner",
    "RecertificationLine",
    "RecertificationRound",
    "Remediation",
    "SecurityEvaluation",
    "SecurityRoleHolder",
    "ShareConsent",
    "ShareRecord",
    "SharingAgreement",
]
