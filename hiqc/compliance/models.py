"""The compliance register and its tests (standard 9.1.2(2)(4), 9.1.3; issue 20 §1–§2; ADR 0024).

Law → Obligation → Control: the register. A control is automatic (``check_code`` names a check
declared in code, ``hiqc.compliance.controls``) or manual (an ``Attestation`` per unit and period).
``ControlResult`` is one run of an automatic control for one org unit and one month. A regulatory
change opens an ``ImpactAssessment`` case on the engine. The kernel's ``Finding`` stays the record
of a detected breach; it reaches its control through ``Obligation.rule_id`` and
``Control.finding_kinds`` (a mapping, no kernel change). A later risk register references
``Control`` by foreign key and reads its latest results (issue 20 §4).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel, CaseModel

from .enums import AssessmentStatus, ControlKind, Domain, Frequency, ResultStatus

REGISTER = (
    "the compliance register is company-wide reference data (9.1.2(2)); read with compliance.view"
)


class Law(BaseModel):
    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    issuer = models.CharField(_("发布机关"), max_length=120)
    citation = models.CharField(_("文号/版本"), max_length=200)
    effective_on = models.DateField(_("施行日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    confidence = models.CharField(_("可信度"), max_length=4, blank=True)  # A/B/C/P (regulations.md)

    unscoped: ClassVar[str | None] = REGISTER

    class Meta(BaseModel.Meta):
        ordering = ("code",)
        verbose_name = _("法律法规")
        verbose_name_plural = _("法律法规")

    def __str__(self) -> str:
        return self.name


class Obligation(BaseModel):
    law = models.ForeignKey(Law, verbose_name=_("法律法规"), on_delete=models.PROTECT,
                            related_name="obligations")  # fmt: skip
    code = models.CharField(_("编号"), max_length=40, unique=True)
    article = models.CharField(_("条款"), max_length=120)
    text = models.TextField(_("义务内容"))
    rule_id = models.CharField(_("规则编号"), max_length=20, blank=True, db_index=True)  # CL-8 …
    domain = models.CharField(_("领域"), max_length=20, choices=Domain.choices)
    clauses = models.CharField(_("标准条款"), max_length=60, blank=True)

    unscoped: ClassVar[str | None] = REGISTER

    class Meta(BaseModel.Meta):
        ordering = ("code",)
        verbose_name = _("合规义务")
        verbose_name_plural = _("合规义务")

    def __str__(self) -> str:
        return f"{self.code} {self.article}"


class Control(BaseModel):
    obligation = models.ForeignKey(Obligation, verbose_name=_("合规义务"),
                                   on_delete=models.PROTECT, related_name="controls")  # fmt: skip
    code = models.CharField(_("编号"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=ControlKind.choices)
    owner_role = models.CharField(_("责任角色"), max_length=40)
    # the org subtree the control applies to ("" = the whole company)
    unit_path = models.CharField(_("适用机构路径"), max_length=255, blank=True)
    frequency = models.CharField(_("频率"), max_length=10, choices=Frequency.choices)
    check_code = models.CharField(_("自动检测代码"), max_length=60, blank=True)
    # finding kinds (hiqc.core.models.Finding.kind) this control should have prevented
    finding_kinds = models.JSONField(_("对应合规事项类型"), default=list, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    scope_path: ClassVar[str | None] = "unit_path"

    class Meta(BaseModel.Meta):
        ordering = ("code",)
        verbose_name = _("控制措施")
        verbose_name_plural = _("控制措施")

    def __str__(self) -> str:
        return self.name


class ControlResult(BaseModel):
    """One test of an automatic control: one org unit, one month (9.1.2(4))."""

    control = models.ForeignKey(Control, verbose_name=_("控制措施"), on_delete=models.CASCADE,
                                related_name="results")  # fmt: skip
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    org_path = models.CharField(_("机构路径"), max_length=255, db_index=True)
    period_start = models.DateField(_("期间"))
    population = models.PositiveIntegerField(_("样本数"))
    failures = models.PositiveIntegerField(_("不合规数"))
    effectiveness = models.FloatField(_("有效性"), null=True, blank=True)
    status = models.CharField(_("结论"), max_length=12, choices=ResultStatus.choices)
    failing_refs = models.JSONField(_("不合规记录"), default=list, blank=True)  # numbers, never PI
    run_at = models.DateTimeField(_("检测时间"))
    run_by = models.CharField(_("检测人"), max_length=150)

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        ordering = ("-period_start", "org_path")
        verbose_name = _("控制测试结果")
        verbose_name_plural = _("控制测试结果")
        constraints = [models.UniqueConstraint(fields=["control", "org_unit", "period_start"],
                                               name="compliance_result_unique")]  # fmt: skip


class Attestation(BaseModel):
    """A manual control's periodic statement with its evidence file (checked by content)."""

    control = models.ForeignKey(Control, verbose_name=_("控制措施"), on_delete=models.PROTECT,
                                related_name="attestations")  # fmt: skip
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    period_start = models.DateField(_("期间"))
    statement = models.TextField(_("声明"))
    effective = models.BooleanField(_("控制有效"), default=True)
    attested_by = models.CharField(_("声明人"), max_length=150)
    attested_at = models.DateTimeField(_("声明时间"))
    evidence = models.FileField(_("证据文件"), upload_to="compliance/evidence/")
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)

    scope_path: ClassVar[str | None] = "org_unit__path"

    class Meta:
        ordering = ("-period_start", "-attested_at")
        verbose_name = _("控制声明")
        verbose_name_plural = _("控制声明")
        constraints = [models.UniqueConstraint(fields=["control", "org_unit", "period_start"],
                                               name="compliance_attestation_unique")]  # fmt: skip


class RegulatoryChange(BaseModel):
    law = models.ForeignKey(Law, verbose_name=_("法律法规"), on_delete=models.PROTECT,
                            related_name="changes")  # fmt: skip
    title = models.CharField(_("标题"), max_length=200)
    effective_on = models.DateField(_("生效日期"))
    summary = models.TextField(_("变化内容"))
    recorded_by = models.CharField(_("登记人"), max_length=150)

    unscoped: ClassVar[str | None] = REGISTER

    class Meta(BaseModel.Meta):
        ordering = ("-effective_on",)
        verbose_name = _("法规变化")
        verbose_name_plural = _("法规变化")

    def __str__(self) -> str:
        return self.title

    @property
    def assessment(self) -> ImpactAssessment | None:
        """The latest impact assessment of the change (prefetch ``assessments`` for lists)."""
        return max(self.assessments.all(), key=lambda a: a.opened_at, default=None)


class ImpactAssessment(CaseModel):
    """The impact assessment a regulatory change opens (a case kind on the engine); it ends in
    the obligations, controls and rules it updated, recorded as links and notes."""

    number = models.CharField(_("编号"), max_length=30, unique=True)
    # a ForeignKey, not one-to-one: a change is assessed once when recorded, and may be assessed
    # again (a draft rule that changes before it takes effect)
    change = models.ForeignKey(RegulatoryChange, verbose_name=_("法规变化"),
                               on_delete=models.PROTECT, related_name="assessments")  # fmt: skip
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    status = models.CharField(_("状态"), max_length=20, choices=AssessmentStatus.choices)
    opened_at = models.DateTimeField(_("登记时间"))
    analysis = models.TextField(_("影响分析"), blank=True)
    outcome = models.TextField(_("结论"), blank=True)
    # what the assessment changed: [{"type": "obligation"|"control"|"rule", "ref": code, "note"}]
    links = models.JSONField(_("更新内容"), default=list, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        ordering = ("-opened_at",)
        verbose_name = _("影响评估")
        verbose_name_plural = _("影响评估")

    def __str__(self) -> str:
        return self.number


from .inspections.models import (  # noqa: E402  (issue 20 §3: the inspections sub-package)
    ComplianceInspection,
    ComplianceInspectionMark,
    InspectionPlan,
)

# the risk register (issue 20 §4, §5; ADR 0028) lives in its own sub-package
from .risks.models import (  # noqa: E402
    KeyRiskIndicator,
    Risk,
    RiskControl,
    RiskRating,
    RiskTreatment,
)

__all__ = [
    "Attestation", "ComplianceInspection", "ComplianceInspectionMark", "Control", "ControlResult",
    "ImpactAssessment", "InspectionPlan", "KeyRiskIndicator", "Law",
    "Obligation", "RegulatoryChange", "Risk", "RiskControl", "RiskRating", "RiskTreatment",
]  # fmt: skip
