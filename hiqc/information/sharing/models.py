"""Sharing and exchange, personal-information impact assessments (standard 6.3; PIPL arts. 13,
21, 23, 28–29, 55–56; PI-1, PI-2, PI-5; issue 21 §7, §8; ADR 0030).

* ``Partner`` — who data goes to or comes from: a business partner, a regulator, an industry
  platform.
* ``SharingAgreement`` — with a partner, over one registered dataset (``hiqc.core.datasets``):
  purpose, PIPL art. 13 ground, the masking ``profile`` (column → method; a column not in it is
  never sent), frequency, effective and expiry dates; ``sensitive`` and ``separate_consent`` are
  derived from the profile when it is saved. A case on the engine
  (``information.sharingagreement``): drafted, activated, ended.
* ``DataShare`` — an outgoing share, a case on the engine (``information.datashare``).
* ``ShareRecord`` — exactly what was sent: the fields, the row count (and rows left out for want
  of separate consent), the file and its sha256, the recipient, when and by whom.
* ``ShareConsent`` — a data subject's separate consent to the provision under an agreement
  (PIPL arts. 23, 29).
* ``IncomingExchange`` — data received, with its source and legal ground.
* ``ImpactAssessment`` — a PIA (PIPL art. 55–56) of a processing activity or of an agreement.

These models are imported into ``hiqc.information.models`` so the app owns them.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel, CaseModel
from hiqc.core.personaldata import Basis, DataClass, Declared

from .enums import (
    AgreementStatus,
    AssessmentTarget,
    Conclusion,
    Frequency,
    PartnerKind,
    ShareStatus,
)


class Partner(BaseModel):
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=PartnerKind.choices)
    description = models.CharField(_("说明"), max_length=500, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("org_unit__path", "name")
        verbose_name = _("数据共享对象")
        verbose_name_plural = _("数据共享对象")

    def __str__(self) -> str:
        return self.name


class SharingAgreement(CaseModel):
    """An agreement with a partner, a case on the engine (``information.sharingagreement``):
    草拟 draft → ``activate`` → 生效 active → ``end`` → 终止 ended; a draft may be withdrawn."""

    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    number = models.CharField(_("协议编号"), max_length=30, unique=True)
    partner = models.ForeignKey(Partner, verbose_name=_("共享对象"), on_delete=models.PROTECT,
                                related_name="agreements")  # fmt: skip
    title = models.CharField(_("协议名称"), max_length=200)
    dataset = models.CharField(_("数据集"), max_length=60)
    purpose = models.TextField(_("共享目的"), max_length=2000)
    legal_basis = models.CharField(_("合法性基础"), max_length=20, choices=Basis.choices)
    profile = models.JSONField(_("字段与脱敏规则"), default=dict)  # column → Method
    frequency = models.CharField(_("频率"), max_length=20, choices=Frequency.choices)
    effective_on = models.DateField(_("生效日期"))
    expires_on = models.DateField(_("到期日期"))
    sensitive = models.BooleanField(_("涉及敏感个人信息"), default=False)
    separate_consent = models.BooleanField(_("需取得单独同意"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=AgreementStatus.choices,
                              default=AgreementStatus.DRAFT)  # fmt: skip
    activated_at = models.DateTimeField(_("生效登记时间"), null=True, blank=True)
    activated_by = models.CharField(_("生效登记人"), max_length=150, blank=True)
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    ended_by = models.CharField(_("终止登记人"), max_length=150, blank=True)
    end_reason = models.CharField(_("终止或撤回理由"), max_length=2000, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("-effective_on", "number")
        verbose_name = _("数据共享协议")
        verbose_name_plural = _("数据共享协议")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class DataShare(CaseModel):
    status = models.CharField(_("状态"), max_length=20, choices=ShareStatus.choices)
    number = models.CharField(_("编号"), max_length=30, unique=True)
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    agreement = models.ForeignKey(SharingAgreement, verbose_name=_("共享协议"),
                                  on_delete=models.PROTECT, related_name="shares")  # fmt: skip
    params = models.JSONField(_("参数"), default=dict)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    sensitive = models.BooleanField(_("涉及敏感个人信息"), default=False)
    requested_at = models.DateTimeField(_("申请时间"))
    requested_by = models.CharField(_("申请人"), max_length=150)
    owner_approved_by = models.CharField(_("数据负责人审批人"), max_length=150, blank=True)
    compliance_approved_by = models.CharField(_("合规审批人"), max_length=150, blank=True)
    reason = models.CharField(_("驳回或撤销理由"), max_length=2000, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        ordering = ("-requested_at",)
        verbose_name = _("数据共享")
        verbose_name_plural = _("数据共享")

    def __str__(self) -> str:
        return self.number


class ShareRecord(BaseModel):
    share = models.OneToOneField(DataShare, verbose_name=_("数据共享"), on_delete=models.CASCADE,
                                 related_name="record")  # fmt: skip
    fields = models.JSONField(_("提供的字段"), default=list)  # [{code, label, method}]
    row_count = models.PositiveIntegerField(_("行数"))
    excluded_no_consent = models.PositiveIntegerField(_("因未取得单独同意而排除的行数"), default=0)
    file = models.FileField(_("文件"), upload_to="information/shares/%Y/%m/")
    sha256 = models.CharField(_("文件 SHA-256"), max_length=64)
    recipient = models.CharField(_("接收方"), max_length=200)
    exported_at = models.DateTimeField(_("导出时间"))
    exported_by = models.CharField(_("导出人"), max_length=150)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    sent_by = models.CharField(_("发送人"), max_length=150, blank=True)
    channel = models.CharField(_("发送方式"), max_length=200, blank=True)

    scope_path: ClassVar[str] = "share__org_unit__path"

    class Meta:
        ordering = ("-exported_at",)
        verbose_name = _("共享记录")
        verbose_name_plural = _("共享记录")


class ShareConsent(BaseModel):
    """A data subject's separate consent to the provision under an agreement (PIPL arts. 23,
    29): ``subject_key`` is the dataset's subject key (e.g. the customer's id)."""

    agreement = models.ForeignKey(SharingAgreement, verbose_name=_("共享协议"),
                                  on_delete=models.CASCADE, related_name="consents")  # fmt: skip
    subject_key = models.CharField(_("个人标识"), max_length=64)
    given_at = models.DateTimeField(_("同意时间"))
    evidence = models.CharField(_("同意凭证"), max_length=200, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "agreement__org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "subject_key": Declared(
            DataClass.PERSONAL,
            _("记录个人对向第三方提供其个人信息的单独同意（个人信息保护法第二十三条、第二十九条）"),
            Basis.LEGAL_DUTY,
            _("与所属共享协议相同"),
        ),
    }

    class Meta:
        ordering = ("agreement", "subject_key")
        verbose_name = _("单独同意")
        verbose_name_plural = _("单独同意")
        constraints = [models.UniqueConstraint(fields=["agreement", "subject_key"],
                                               name="information_consent_unique")]  # fmt: skip


class IncomingExchange(BaseModel):
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    partner = models.ForeignKey(Partner, verbose_name=_("来源"), on_delete=models.PROTECT,
                                related_name="incoming")  # fmt: skip
    description = models.CharField(_("数据内容"), max_length=500)
    legal_basis = models.CharField(_("合法性基础"), max_length=20, choices=Basis.choices)
    received_at = models.DateTimeField(_("接收时间"))
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    sha256 = models.CharField(_("文件 SHA-256"), max_length=64, blank=True)
    recorded_by = models.CharField(_("登记人"), max_length=150)
    note = models.CharField(_("备注"), max_length=500, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("-received_at",)
        verbose_name = _("数据接收登记")
        verbose_name_plural = _("数据接收登记")


class ImpactAssessment(BaseModel):
    """PIPL art. 56: (1) whether the purpose and means are lawful, proper and necessary, (2) the
    impact on the individuals' rights and the risks, (3) whether the protective measures are
    lawful, effective and proportionate; kept at least three years (``retain_until``)."""

    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    number = models.CharField(_("编号"), max_length=30, unique=True)
    target = models.CharField(_("评估对象"), max_length=20, choices=AssessmentTarget.choices)
    activity = models.CharField(_("处理活动（数据清单中的模型）"), max_length=100, blank=True)
    agreement = models.ForeignKey(SharingAgreement, verbose_name=_("共享协议"), null=True,
                                  blank=True, on_delete=models.PROTECT,
                                  related_name="assessments")  # fmt: skip
    title = models.CharField(_("标题"), max_length=200)
    purpose_lawful = models.TextField(_("处理目的、方式是否合法、正当、必要"), max_length=4000)
    rights_impact = models.TextField(_("对个人权益的影响及安全风险"), max_length=4000)
    measures = models.TextField(_("保护措施是否合法、有效并与风险程度相适应"), max_length=4000)
    conclusion = models.CharField(_("评估结论"), max_length=20, choices=Conclusion.choices,
                                  default=Conclusion.PENDING)  # fmt: skip
    assessed_at = models.DateTimeField(_("评估时间"))
    assessed_by = models.CharField(_("评估人"), max_length=150)
    reviewed_on = models.DateField(_("复核日期"), null=True, blank=True)
    retain_until = models.DateField(_("至少保存至"))

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("-assessed_at",)
        verbose_name = _("个人信息保护影响评估")
        verbose_name_plural = _("个人信息保护影响评估")

    def __str__(self) -> str:
        return self.number


__all__ = [
    "DataShare",
    "ImpactAssessment",
    "IncomingExchange",
    "Partner",
    "ShareConsent",
    "ShareRecord",
    "SharingAgreement",
]
