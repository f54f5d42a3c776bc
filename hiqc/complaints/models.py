"""Complaints under 《银行业保险业消费投诉处理管理办法》 (standard 4.2; CP-1…CP-12).

A complaint is a case on the case engine (``workflow.py``): its status is written only through
``hiqc.core.casework.case_transition``; the 15/30/60-day decision clock lives in ``Deadline`` rows.
The complainant is a ``Customer`` (personal data stays encrypted there); the free text of a
complaint (request, facts, findings, decision) often describes health conditions, so it is
encrypted at rest like the letters, which are kept as issued (CP-7: the record of handling).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.crypto import EncryptedTextField
from hiqc.core.models import BaseModel, CaseModel
from hiqc.core.personaldata import Basis, DataClass, Declared
from hiqc.customers.enums import Channel

from .enums import (
    DisputeType,
    LetterKind,
    Nature,
    Outcome,
    ProductLine,
    RespondentKind,
    Source,
    Status,
)


class RootCause(BaseModel):
    """Configurable two-level root-cause taxonomy (CP-7: root cause mandatory at decision).
    A cause in use is deactivated, never deleted."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveIntegerField(_("排序"), default=0)

    unscoped: ClassVar[str] = "head-office configuration shared by every branch"

    class Meta:
        ordering = ("position", "code")
        verbose_name = _("根因分类")
        verbose_name_plural = _("根因分类")

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent else self.name


class Complaint(CaseModel):
    status = models.CharField(_("状态"), max_length=40, db_index=True, choices=Status.choices)
    reference = models.CharField(_("投诉编号"), max_length=20, unique=True)
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        verbose_name=_("承办机构"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    complainant = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("投诉人"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    channel = models.CharField(_("投诉渠道"), max_length=20, choices=Channel.choices)
    source = models.CharField(
        _("投诉来源"), max_length=20, choices=Source.choices, default=Source.DIRECT
    )
    forwarded_on = models.DateField(_("转送日期"), null=True, blank=True)
    forwarding_ref = models.CharField(_("转送编号"), max_length=60, blank=True)
    received_at = models.DateTimeField(_("接收时间"))
    # respondent (被投诉方)
    respondent_kind = models.CharField(
        _("被投诉方类型"), max_length=20, choices=RespondentKind.choices
    )
    respondent_unit = models.ForeignKey(
        "organisations.OrgUnit",
        verbose_name=_("被投诉机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    respondent_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被投诉员工"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    respondent_name = models.CharField(_("被投诉方名称"), max_length=100, blank=True)
    involved_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("涉及人员（须回避）"),
        blank=True,
        related_name="+",
    )
    # the matter
    request = EncryptedTextField(_("投诉请求"))
    facts = EncryptedTextField(_("事实与理由"))
    policy_ref = models.CharField(_("保单号"), max_length=40, blank=True)
    claim_ref = models.CharField(_("理赔案号"), max_length=40, blank=True)
    recording_ref = models.CharField(_("录音录像编号"), max_length=100, blank=True)
    # classification (CP-10)
    dispute_type = models.CharField(_("争议类型"), max_length=20, choices=DisputeType.choices)
    product_line = models.CharField(_("险种"), max_length=20, choices=ProductLine.choices)
    nature = models.CharField(_("投诉性质"), max_length=30, choices=Nature.choices)
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("前次投诉"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    # decision (CP-7, CP-8)
    outcome = models.CharField(_("处理结果"), max_length=20, choices=Outcome.choices, blank=True)
    root_cause = models.ForeignKey(
        RootCause,
        verbose_name=_("根因"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    facts_found = EncryptedTextField(_("查明事实"), blank=True)
    basis = EncryptedTextField(_("处理依据与理由"), blank=True)
    decision_text = EncryptedTextField(_("处理决定"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    review_requested_at = models.DateTimeField(_("申请核查时间"), null=True, blank=True)
    review_opinion = EncryptedTextField(_("核查意见"), blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    retain_until = models.DateField(_("保存至"), null=True, blank=True)
    # personal data removed when the retention ended (hiqc.core.retention; issue 21 §2)
    anonymised_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)

    scope_path: ClassVar[str | None] = "org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "respondent_name": Declared(
            DataClass.PERSONAL,
            _("投诉涉及的人员或机构名称，用于调查与问责"),
            Basis.LEGAL_DUTY,
            _("投诉档案保存期（CP-14，设计默认 5 年）"),
            "complaints.retention_years",
        ),
        "request": Declared(
            DataClass.SENSITIVE,
            _("投诉请求，可能涉及健康与财产信息"),
            Basis.LEGAL_DUTY,
            _("投诉档案保存期（CP-14，设计默认 5 年）"),
            "complaints.retention_years",
        ),
        "facts": Declared(
            DataClass.SENSITIVE,
            _("投诉事实与理由，可能涉及健康与财产信息"),
            Basis.LEGAL_DUTY,
            _("投诉档案保存期（CP-14，设计默认 5 年）"),
            "complaints.retention_years",
        ),
        "facts_found": Declared(
            DataClass.SENSITIVE,
            _("调查查明的事实"),
            Basis.LEGAL_DUTY,
            _("投诉档案保存期（CP-14，设计默认 5 年）"),
            "complaints.retention_years",
        ),
        "basis": Declared(
            DataClass.SENSITIVE,
            _("处理依据与理由"),
            Basis.LEGAL_DUTY,
            _("投诉档案保存期（CP-14，设计默认 5 年）"),
            "complaints.retention_years",
        ),
        "decision_text": Declared(
            DataClass.SENSITIVE,
            _("处理决定"),
            Basis.LEGAL_DUTY,
            _("投诉档案保存期（CP-14，设计默认 5 年）"),
            "complaints.retention_years",
        ),
        "review_opinion": Declared(
            DataClass.SENSITIVE,
            _("核查意见"),
            Basis.LEGAL_DUTY,
            _("投诉档案保存期（CP-14，设计默认 5 年）"),
            "complaints.retention_years",
        ),
    }

    class Meta(CaseModel.Meta):
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        indexes = [
            models.Index(fields=["org_unit", "received_at"]),
            models.Index(fields=["complainant", "received_at"]),
        ]

    def __str__(self) -> str:
        return self.reference


class Letter(BaseModel):
    """A notice issued to the complainant, stored as issued (encrypted: it names the person)."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("投诉"), on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField(_("文书类型"), max_length=20, choices=LetterKind.choices)
    title = models.CharField(_("标题"), max_length=100)
    body = EncryptedTextField(_("正文"))
    issued_by = models.CharField(_("出具人"), max_length=150)

    scope_path: ClassVar[str | None] = "complaint__org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "body": Declared(
            DataClass.SENSITIVE,
            _("依法向投诉人发出的告知与决定文书"),
            Basis.LEGAL_DUTY,
            _("投诉档案保存期（CP-14，设计默认 5 年）"),
            "complaints.retention_years",
        ),
    }

    class Meta:
        ordering = ("created_at",)
        verbose_name = _("告知文书")
        verbose_name_plural = _("告知文书")

    def __str__(self) -> str:
        return self.title
