"""Claims worked in HIQC or monitored from the core claims system (standard ch. 5; CL-1…CL-11).

A claim is a case on the case engine (``workflow.py``): its status changes only through
``hiqc.core.casework.case_transition``; the statutory clocks (30-day decision with supplement
periods deducted, 3-day refusal notice, 10-day payment, 60-day advance payment) are ``Deadline``
rows. The diagnosis is health data: encrypted at rest and masked by default, like identity data.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.crypto import EncryptedTextField
from hiqc.core.models import BaseModel, CaseModel
from hiqc.core.personaldata import Basis, DataClass, Declared
from hiqc.policies.enums import ClaimType

from .enums import ClaimChannel, Outcome, PaymentChannel, PaymentKind, ReasonCode, Status


class Claim(CaseModel):
    status = models.CharField(_("状态"), max_length=40, choices=Status.choices)  # indexed in Meta
    number = models.CharField(_("理赔案号"), max_length=40, unique=True)
    policy = models.ForeignKey(
        "policies.Policy", verbose_name=_("保单"), on_delete=models.PROTECT, related_name="claims"
    )
    insured = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("被保险人"),
        on_delete=models.PROTECT,
        related_name="claims_as_insured",
    )
    claimant = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="claims_as_claimant",
    )
    claim_type = models.CharField(_("理赔类型"), max_length=30, choices=ClaimType.choices)
    incident_date = models.DateField(_("出险日期"))
    diagnosis_code = EncryptedTextField(_("诊断编码（ICD-10）"), blank=True)
    diagnosis_text = EncryptedTextField(_("诊断"), blank=True)
    amount_claimed = models.DecimalField(_("申请金额（元）"), max_digits=14, decimal_places=2)
    channel = models.CharField(_("申请渠道"), max_length=20, choices=ClaimChannel.choices)
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        verbose_name=_("理赔机构"),
        on_delete=models.PROTECT,
        related_name="claims",
        db_index=False,  # (org_unit, received_at) below leads with it
    )
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    small_claim = models.BooleanField(_("小额快赔"), default=False)
    # decision (CL-4, CL-6, CL-10)
    outcome = models.CharField(_("核定结论"), max_length=10, choices=Outcome.choices, blank=True)
    amount_approved = models.DecimalField(
        _("核定金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    reason_code = models.CharField(
        _("理由代码"), max_length=30, choices=ReasonCode.choices, blank=True
    )
    reason_text = EncryptedTextField(_("核定理由"), blank=True)
    decided_at = models.DateTimeField(_("核定时间"), null=True, blank=True)
    decided_automatically = models.BooleanField(_("系统自动核定"), default=False)
    human_review_requested_at = models.DateTimeField(_("申请人工复核时间"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("赔付金额达成一致时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    retain_until = models.DateField(_("档案保存至"), null=True, blank=True)
    # personal data removed when the retention ended (hiqc.core.retention; issue 21 §2)
    anonymised_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)
    # claims worked in the core system and monitored here
    source_system = models.CharField(_("来源系统"), max_length=40, blank=True)
    external_ref = models.CharField(_("来源系统案号"), max_length=64, blank=True)

    scope_path: ClassVar[str | None] = "org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "diagnosis_code": Declared(
            DataClass.SENSITIVE,
            _("理赔审核：确定保险责任（医疗健康信息）"),
            Basis.CONTRACT,
            _("理赔档案保存期：短期险终止后 5 年、长期险终止后 10 年（CL-9，保险法第八十七条）"),
            "claims.retention_years_long",
        ),
        "diagnosis_text": Declared(
            DataClass.SENSITIVE,
            _("理赔审核：确定保险责任（医疗健康信息）"),
            Basis.CONTRACT,
            _("理赔档案保存期：短期险终止后 5 年、长期险终止后 10 年（CL-9，保险法第八十七条）"),
            "claims.retention_years_long",
        ),
        "reason_text": Declared(
            DataClass.SENSITIVE,
            _("理赔核定理由，可能涉及健康信息"),
            Basis.LEGAL_DUTY,
            _("理赔档案保存期：短期险终止后 5 年、长期险终止后 10 年（CL-9，保险法第八十七条）"),
            "claims.retention_years_long",
        ),
    }

    class Meta(CaseModel.Meta):
        verbose_name = _("理赔案件")
        verbose_name_plural = _("理赔案件")
        indexes = [
            models.Index(fields=["org_unit", "received_at"]),
            models.Index(fields=["status"], name="claim_status_idx"),
            # (source_system, external_ref) look-ups use the partial unique index below (ADR 0012)
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="claim_external_unique",
            )
        ]

    def __str__(self) -> str:
        return self.number


class ClaimDocument(BaseModel):
    """A document received for a claim, against an item of the product's checklist."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("理赔案件"), on_delete=models.CASCADE, related_name="documents"
    )
    requirement_code = models.CharField(_("材料代码"), max_length=40)
    name = models.CharField(_("材料名称"), max_length=100)
    received_at = models.DateTimeField(_("收到时间"))
    file = models.FileField(_("文件"), upload_to="claims/%Y/%m/", blank=True)
    content_type = models.CharField(_("文件类型"), max_length=60, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)

    scope_path: ClassVar[str | None] = "claim__org_unit__path"

    class Meta:
        ordering = ("received_at",)
        verbose_name = _("理赔材料")
        verbose_name_plural = _("理赔材料")

    def __str__(self) -> str:
        return self.name


class SupplementRequest(BaseModel):
    """A notice listing missing documents (CL-1). The first lists everything missing at the
    first review; a later one may only ask for items that could not have been missing then,
    unless a supervisor overrides with a reason (recorded as a finding)."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("理赔案件"), on_delete=models.CASCADE, related_name="supplements"
    )
    items = models.JSONField(_("补充材料清单"), default=list)  # requirement codes
    requested_at = models.DateTimeField(_("通知时间"))
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("材料补齐时间"), null=True, blank=True)
    first = models.BooleanField(_("首次通知"), default=True)
    override_reason = models.CharField(_("例外补充理由"), max_length=300, blank=True)
    override_by = models.CharField(_("批准人"), max_length=150, blank=True)
    requested_by = models.CharField(_("通知人"), max_length=150)

    scope_path: ClassVar[str | None] = "claim__org_unit__path"

    class Meta:
        ordering = ("requested_at",)
        verbose_name = _("补充资料通知")
        verbose_name_plural = _("补充资料通知")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.requested_at:%Y-%m-%d}"


class Payment(BaseModel):
    claim = models.ForeignKey(
        Claim, verbose_name=_("理赔案件"), on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(_("支付类型"), max_length=10, choices=PaymentKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    channel = models.CharField(_("支付方式"), max_length=20, choices=PaymentChannel.choices)
    paid_at = models.DateTimeField(_("支付时间"))
    reference = models.CharField(_("支付流水号"), max_length=64, unique=True)

    scope_path: ClassVar[str | None] = "claim__org_unit__path"

    class Meta:
        ordering = ("paid_at",)
        verbose_name = _("支付记录")
        verbose_name_plural = _("支付记录")

    def __str__(self) -> str:
        return self.reference


class ClaimLetter(BaseModel):
    """A notice sent to the claimant as issued (supplement, decision, refusal): encrypted."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("理赔案件"), on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField(_("文书类型"), max_length=20)
    title = models.CharField(_("标题"), max_length=100)
    body = EncryptedTextField(_("正文"))
    issued_by = models.CharField(_("出具人"), max_length=150)

    scope_path: ClassVar[str | None] = "claim__org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "body": Declared(
            DataClass.SENSITIVE,
            _("依法向客户发出的理赔告知文书（保险法第二十二至二十四条）"),
            Basis.LEGAL_DUTY,
            _("理赔档案保存期：短期险终止后 5 年、长期险终止后 10 年（CL-9，保险法第八十七条）"),
            "claims.retention_years_long",
        ),
    }

    class Meta:
        ordering = ("created_at",)
        verbose_name = _("理赔告知文书")
        verbose_name_plural = _("理赔告知文书")

    def __str__(self) -> str:
        return self.title


class AdvancePaymentTask(BaseModel):
    """Opened when 60 days after receipt the amount is still not fixed (CL-7)."""

    claim = models.OneToOneField(
        Claim, verbose_name=_("理赔案件"), on_delete=models.CASCADE, related_name="advance_task"
    )
    opened_at = models.DateTimeField(_("开立时间"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_path: ClassVar[str | None] = "claim__org_unit__path"

    class Meta:
        verbose_name = _("先予支付任务")
        verbose_name_plural = _("先予支付任务")

    def __str__(self) -> str:
        return f"{self.claim_id}"


class ClaimStep(models.Model):
    """One completed step of one claim (intake, review, adjudication, agreement, payment) with its
    total and waiting-for-the-claimant days: derived from the case events by
    ``indicators.claim_steps_refresh`` (incrementally, by event id), so that step medians read
    rows instead of replaying every claim's events (issue 5 §9, §10)."""

    id = models.BigAutoField(primary_key=True)
    case_id = models.CharField(_("案件 ID"), max_length=64)
    step = models.CharField(_("环节"), max_length=20)
    org_path = models.CharField(_("机构路径"), max_length=255)
    ended_at = models.DateTimeField(_("完成时间"))
    total_days = models.FloatField(_("用时（天）"))
    waiting_days = models.FloatField(_("等待客户（天）"))
    last_event_id = models.BigIntegerField(_("依据的最后事件"))

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        verbose_name = _("理赔环节用时")
        verbose_name_plural = _("理赔环节用时")
        indexes = [
            models.Index(fields=["ended_at", "org_path"], name="claimstep_ended_idx"),
            models.Index(fields=["last_event_id"], name="claimstep_watermark_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case_id", "step"], name="claimstep_case_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.step}"


from .online.models import OnlineCode  # noqa: E402,F401  (online claims, issue 5 §5)
