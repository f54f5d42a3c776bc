"""Product R&D projects (standard 3.1.2, 3.3.2; issue 17 §2) and their attachments.

App label ``products``: ``hiqc.products.models`` imports this module so that Django finds it.

* ``ProductProject`` — a case through the six gates 需求分析 → 产品设计 → 风险评估 → 合规审查 →
  产品测试 → 产品上线, then 已上线 (or 已取消). A new-product project creates the product and its
  first draft version when it is opened; an update project drafts the next version from the
  current one. The design is the draft version's terms (``hiqc.policies`` owns them); launch
  publishes that version in force from a date.
* ``ProjectAttachment`` — a file given for one gate (market research, design document, risk
  assessment, compliance evidence, test record): a real file, checked by its content (PDF, JPEG or
  PNG; ``hiqc.core.filecheck``) and its size, stored under a generated name.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel, CaseModel

TEXT_MAX = 4000


class ProjectKind(models.TextChoices):
    NEW = "new", _("新产品开发")
    UPDATE = "update", _("产品更新")


class Gate(models.TextChoices):
    """The project's state: the gate it stands at (3.1.2 (1)–(6)), then launched or cancelled."""

    NEEDS = "needs", _("需求分析")
    DESIGN = "design", _("产品设计")
    RISK = "risk", _("风险评估")
    COMPLIANCE = "compliance", _("合规审查")
    TESTING = "testing", _("产品测试")
    LAUNCH = "launch", _("产品上线")
    LAUNCHED = "launched", _("已上线")
    CANCELLED = "cancelled", _("已取消")


GATES: tuple[str, ...] = (
    Gate.NEEDS,
    Gate.DESIGN,
    Gate.RISK,
    Gate.COMPLIANCE,
    Gate.TESTING,
    Gate.LAUNCH,
)


class ProductProject(CaseModel):
    status = models.CharField(_("阶段"), max_length=40, db_index=True, choices=Gate.choices)
    number = models.CharField(_("项目编号"), max_length=30, unique=True)
    kind = models.CharField(_("项目类型"), max_length=10, choices=ProjectKind.choices)
    title = models.CharField(_("项目名称"), max_length=200)
    product = models.ForeignKey(
        "policies.Product", verbose_name=_("产品"), on_delete=models.PROTECT, related_name="+"
    )
    product_version = models.ForeignKey(
        "policies.ProductVersion",
        verbose_name=_("产品版本（草稿）"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reason = models.TextField(_("立项原因与背景"))
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        verbose_name=_("负责机构"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner = models.CharField(_("项目负责人"), max_length=150)
    opened_at = models.DateTimeField(_("立项时间"))
    # 需求分析 (3.1.2 (1))
    needs_analysis = models.TextField(_("市场调研与需求分析"), blank=True)
    # 产品设计 (3.1.2 (2)): the terms are the draft version's; this is the design's summary
    design_summary = models.TextField(_("产品方案说明"), blank=True)
    # 风险评估 (3.1.2 (3)): [{"risk": "…", "control": "…"}]
    risks = models.JSONField(_("风险与控制措施"), default=list, blank=True)
    # 合规审查 (3.1.2 (4)): {item code: {"result": "pass"|"fail", "note": "…", "attachment": id}}
    checklist_answers = models.JSONField(_("合规审查清单答复"), default=dict, blank=True)
    compliance_opinion = models.TextField(_("合规审查意见"), blank=True)
    # 产品测试 (3.1.2 (5))
    test_result = models.TextField(_("测试结果"), blank=True)
    test_passed = models.BooleanField(_("测试通过"), default=False)
    # 产品上线 (3.1.2 (6))
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    launched_at = models.DateTimeField(_("上线时间"), null=True, blank=True)
    # {gate: {"by": username, "at": iso time}} — the latest sign-off of each gate
    signoffs = models.JSONField(_("签批"), default=dict, blank=True)
    # [{"gate", "to", "reason", "by", "at"}] — every rejection, oldest first
    rejections = models.JSONField(_("退回记录"), default=list, blank=True)
    cancel_reason = models.TextField(_("取消原因"), blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        app_label = "products"
        ordering = ("-opened_at",)
        verbose_name = _("产品研发项目")
        verbose_name_plural = _("产品研发项目")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ProjectAttachment(BaseModel):
    project = models.ForeignKey(
        ProductProject,
        verbose_name=_("产品研发项目"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    gate = models.CharField(_("阶段"), max_length=20, choices=Gate.choices)
    name = models.CharField(_("说明"), max_length=200)
    file = models.FileField(_("文件"), upload_to="products/%Y/%m/")
    content_type = models.CharField(_("文件类型"), max_length=60)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(_("上传人"), max_length=150)

    scope_path: ClassVar[str] = "project__org_unit__path"

    class Meta:
        app_label = "products"
        ordering = ("created_at",)
        verbose_name = _("项目附件")
        verbose_name_plural = _("项目附件")

    def __str__(self) -> str:
        return self.name
